using System.Data.Common;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace AuditKit.EfCore;

/// <summary>
/// Which of the EF Core internals this package relies on for speed are usable in the running process: EF Core's
/// command logger, subclassed by <see cref="AuditingCommandDiagnosticsLogger"/>, and the model's
/// <c>IRuntimeModel.SkipDetectChanges</c> flag. Probed once per process, at the first auditor.
/// </summary>
/// <remarks>
/// The package is compiled against one EF Core, but an application that upgrades EF Core on its own runs it against
/// another, where internals may change even in a patch release. Without this probe a changed constructor would make
/// every command of an audited context fail (EF Core builds the logger for each context), and a missing type would
/// make every SaveChanges throw. Each internal found missing or changed is replaced by its public counterpart, which
/// gives the same events at some cost per save: bulk commands are then seen through EF Core's
/// <see cref="DiagnosticListener"/> (<see cref="BulkCommandListener"/>), and whether EF Core will detect changes
/// itself is worked out from the model's public change-tracking strategies.
/// </remarks>
internal sealed class EfCoreInternals
{
    /// <summary>The EF Core versions this package is built and tested for, as the package's dependency declares.</summary>
    public const string SupportedRange = "[10.0, 11.0)";

    internal const string CommandLoggerTypeName = "Microsoft.EntityFrameworkCore.Diagnostics.Internal.RelationalCommandDiagnosticsLogger";
    internal const string RuntimeModelTypeName = "Microsoft.EntityFrameworkCore.Metadata.Internal.IRuntimeModel";
    internal const string SkipDetectChangesName = "SkipDetectChanges";

    // The members AuditingCommandDiagnosticsLogger calls or overrides, with the signatures it was compiled against.
    private static readonly Type[] s_loggerConstructor =
    [
        typeof(ILoggerFactory), typeof(ILoggingOptions), typeof(DiagnosticSource), typeof(LoggingDefinitions),
        typeof(IDbContextLogger), typeof(IDbContextOptions), typeof(IInterceptors),
    ];

    private static readonly Type[] s_nonQueryExecuted =
    [
        typeof(IRelationalConnection), typeof(DbCommand), typeof(string), typeof(DbContext), typeof(Guid), typeof(Guid),
        typeof(int), typeof(DateTimeOffset), typeof(TimeSpan), typeof(CommandSource),
    ];

    private static readonly Lazy<EfCoreInternals> s_current = new(() => Probe(FindLoadedType, loadCommandLogger: true));

    // Models whose entities EF Core detects changes of when saving, as worked out without the internal flag.
    private static readonly ConditionalWeakTable<IModel, StrongBox<bool>> s_snapshotModels = new();

    private readonly Func<IModel, bool>? _detectsChangesOnSave;

    private EfCoreInternals(Type? commandLoggerType, Func<IModel, bool>? detectsChangesOnSave, IReadOnlyList<string> missing)
    {
        CommandLoggerType = commandLoggerType;
        _detectsChangesOnSave = detectsChangesOnSave;
        Missing = missing;
    }

    /// <summary>The EF Core loaded in this process, probed on first use.</summary>
    public static EfCoreInternals Current => s_current.Value;

    /// <summary>EF Core's own command logger type, when <see cref="AuditingCommandDiagnosticsLogger"/> can take its place.</summary>
    public Type? CommandLoggerType { get; }

    /// <summary>Whether <see cref="AuditingCommandDiagnosticsLogger"/> can be installed.</summary>
    public bool CommandLogger => CommandLoggerType is not null;

    /// <summary>Whether the model's flag that makes EF Core skip DetectChanges can be read.</summary>
    public bool DetectChangesFlag => _detectsChangesOnSave is not null;

    /// <summary>What was found missing or changed, for the warning; empty when everything is usable.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>The EF Core version loaded in this process, for the warning.</summary>
    public static string EfCoreVersion
        => typeof(DbContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(DbContext).Assembly.GetName().Version?.ToString()
            ?? "unknown";

    /// <summary>
    /// Whether EF Core will run DetectChanges itself when <paramref name="model"/>'s context saves (its model not opted
    /// out of it). Read from the model's internal flag where it is usable; otherwise worked out as EF Core's
    /// <c>ChangeTrackingStrategyConvention</c> sets that flag (it skips DetectChanges only when no entity type uses
    /// <see cref="ChangeTrackingStrategy.Snapshot"/>), once per model.
    /// </summary>
    public bool DetectsChangesOnSave(IModel model)
    {
        if (_detectsChangesOnSave is { } read)
        {
            try
            {
                return read(model);
            }
#pragma warning disable CA1031 // Whatever a changed EF Core throws here, the public answer is used rather than the save failing.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        return s_snapshotModels.GetValue(model, static m => new StrongBox<bool>(HasSnapshotEntityType(m))).Value;
    }

    private static bool HasSnapshotEntityType(IModel model)
    {
        foreach (var entityType in model.GetEntityTypes())
        {
            if (entityType.GetChangeTrackingStrategy() == ChangeTrackingStrategy.Snapshot)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks that the internals exist with the shape this package was compiled against. Types are looked up by name
    /// through <paramref name="findType"/> (the loaded EF Core assemblies in production, a fake set in tests); with
    /// <paramref name="loadCommandLogger"/>, <see cref="AuditingCommandDiagnosticsLogger"/> is also loaded and its
    /// methods compiled, which is where a type or member EF Core no longer has shows up
    /// (<see cref="TypeLoadException"/>, <see cref="MissingMethodException"/>).
    /// </summary>
    internal static EfCoreInternals Probe(Func<string, Type?> findType, bool loadCommandLogger)
    {
        List<string> missing = [];
        var commandLoggerType = ProbeCommandLogger(findType, missing);
        if (commandLoggerType is not null && loadCommandLogger && !TryLoadCommandLogger(missing))
        {
            commandLoggerType = null;
        }

        var detectsChanges = ProbeDetectChangesFlag(findType, missing);
        return new EfCoreInternals(commandLoggerType, detectsChanges, missing);
    }

    private static Type? ProbeCommandLogger(Func<string, Type?> findType, List<string> missing)
    {
        const string Name = "RelationalCommandDiagnosticsLogger";
        var type = findType(CommandLoggerTypeName);
        if (type is null || !type.IsClass || type.IsSealed || !typeof(IRelationalCommandDiagnosticsLogger).IsAssignableFrom(type))
        {
            missing.Add(Name);
            return null;
        }

        var before = missing.Count;
        if (type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, s_loggerConstructor) is null)
        {
            missing.Add(Name + " constructor");
        }

        CheckOverridable(type, nameof(IRelationalCommandDiagnosticsLogger.ShouldLogCommandExecute), typeof(bool), [typeof(DateTimeOffset)], missing);
        CheckOverridable(type, nameof(IRelationalCommandDiagnosticsLogger.CommandNonQueryExecuted), typeof(int), s_nonQueryExecuted, missing);
        CheckOverridable(
            type,
            nameof(IRelationalCommandDiagnosticsLogger.CommandNonQueryExecutedAsync),
            typeof(ValueTask<int>),
            [.. s_nonQueryExecuted, typeof(CancellationToken)],
            missing);
        return missing.Count == before ? type : null;
    }

    private static void CheckOverridable(Type type, string name, Type returnType, Type[] parameters, List<string> missing)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
        if (method is not { IsVirtual: true, IsFinal: false } || method.ReturnType != returnType)
        {
            missing.Add("RelationalCommandDiagnosticsLogger." + name);
        }
    }

    private static bool TryLoadCommandLogger(List<string> missing)
    {
        try
        {
            LoadCommandLogger();
            return true;
        }
#pragma warning disable CA1031 // Any failure to load or compile the subclass means the internal path cannot be trusted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            missing.Add($"AuditingCommandDiagnosticsLogger ({ex.GetType().Name}: {ex.Message})");
            return false;
        }
    }

    // Kept out of line: when EF Core's base type is gone, compiling this method is what throws.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadCommandLogger()
    {
        var type = typeof(AuditingCommandDiagnosticsLogger);
        foreach (var constructor in type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            RuntimeHelpers.PrepareMethod(constructor.MethodHandle);
        }

        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if (!method.IsAbstract && !method.ContainsGenericParameters)
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }
    }

    /// <summary>
    /// Builds <c>model is IRuntimeModel { SkipDetectChanges: false }</c> from the probed members, so that no compiled
    /// code refers to the internal interface and a missing one cannot fail a save.
    /// </summary>
    private static Func<IModel, bool>? ProbeDetectChangesFlag(Func<string, Type?> findType, List<string> missing)
    {
        var type = findType(RuntimeModelTypeName);
        var property = type is { IsInterface: true } ? type.GetProperty(SkipDetectChangesName, BindingFlags.Public | BindingFlags.Instance) : null;
        if (type is null || property is not { CanRead: true } || property.PropertyType != typeof(bool) || property.GetIndexParameters().Length != 0)
        {
            missing.Add("IRuntimeModel.SkipDetectChanges");
            return null;
        }

        try
        {
            var model = Expression.Parameter(typeof(IModel), "model");
            var body = Expression.AndAlso(
                Expression.TypeIs(model, type),
                Expression.Not(Expression.Property(Expression.Convert(model, type), property)));
            return Expression.Lambda<Func<IModel, bool>>(body, model).Compile();
        }
#pragma warning disable CA1031 // A member that cannot be bound is as good as missing.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            missing.Add($"IRuntimeModel.SkipDetectChanges ({ex.GetType().Name}: {ex.Message})");
            return null;
        }
    }

    private static Type? FindLoadedType(string name)
        => typeof(DbContext).Assembly.GetType(name, throwOnError: false)
            ?? typeof(IRelationalCommandDiagnosticsLogger).Assembly.GetType(name, throwOnError: false);
}
