using AuditKit.Testing;
using Microsoft.Extensions.Logging;

namespace AuditKit.EfCore.Tests;

/// <summary>
/// The start-up check of the EF Core internals auditing uses for speed: a changed EF Core is recognised, and one
/// warning says so. That the public path then gives the same events is <see cref="SqliteEntityAuditTestsWithoutEfInternals"/>.
/// </summary>
public sealed class EfCoreInternalsTests(SqliteShopDatabase database) : IClassFixture<SqliteShopDatabase>
{
    private static readonly Func<string, Type?> s_running = name
        => typeof(DbContext).Assembly.GetType(name) ?? typeof(IRelationalCommandDiagnosticsLogger).Assembly.GetType(name);

    [Fact]
    public void On_the_EF_Core_compiled_against_every_internal_is_usable()
    {
        var internals = EfCoreInternals.Current;

        internals.Missing.ShouldBeEmpty();
        internals.CommandLogger.ShouldBeTrue();
        internals.DetectChangesFlag.ShouldBeTrue();
    }

    [Fact]
    public void Missing_internals_are_named_and_not_used()
    {
        var internals = EfCoreInternals.Probe(static _ => null, loadCommandLogger: true);

        internals.CommandLogger.ShouldBeFalse();
        internals.DetectChangesFlag.ShouldBeFalse();
        internals.Missing.ShouldBe(["RelationalCommandDiagnosticsLogger", "IRuntimeModel.SkipDetectChanges"]);
    }

    [Fact]
    public void A_command_logger_whose_constructor_changed_is_not_used()
    {
        var internals = EfCoreInternals.Probe(
            name => name == EfCoreInternals.CommandLoggerTypeName ? typeof(LoggerWithAnotherConstructor) : s_running(name),
            loadCommandLogger: true);

        internals.CommandLogger.ShouldBeFalse();
        internals.Missing.ShouldBe(["RelationalCommandDiagnosticsLogger constructor"]);
        internals.DetectChangesFlag.ShouldBeTrue();
    }

    [Fact]
    public void A_model_flag_of_another_type_is_not_read()
    {
        var internals = EfCoreInternals.Probe(
            name => name == EfCoreInternals.RuntimeModelTypeName ? typeof(IModelWithAnotherFlag) : s_running(name),
            loadCommandLogger: true);

        internals.DetectChangesFlag.ShouldBeFalse();
        internals.Missing.ShouldBe(["IRuntimeModel.SkipDetectChanges"]);
        internals.CommandLogger.ShouldBeTrue();
    }

    [Fact]
    public void Without_the_model_flag_the_same_answer_comes_from_the_change_tracking_strategies()
    {
        var withoutFlag = EfCoreInternals.Probe(static _ => null, loadCommandLogger: false);
        using var snapshot = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Configure(database).Options);
        using var notifying = new NotifyingContext();

        EfCoreInternals.Current.DetectsChangesOnSave(snapshot.Model).ShouldBeTrue();
        withoutFlag.DetectsChangesOnSave(snapshot.Model).ShouldBeTrue();
        EfCoreInternals.Current.DetectsChangesOnSave(notifying.Model).ShouldBeFalse("no entity type is snapshot-tracked, so EF Core skips DetectChanges");
        withoutFlag.DetectsChangesOnSave(notifying.Model).ShouldBeFalse();
    }

    [Fact]
    public async Task One_warning_names_what_is_missing_and_saves_go_on()
    {
        var logs = new ListLoggerProvider();
        var sink = new CollectingAuditSink();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddSingleton<IAuditSink>(sink)
            .AddSingleton(EfCoreInternals.Probe(static _ => null, loadCommandLogger: false))
            .AddEntityAuditing()
            .BuildServiceProvider();

        for (var i = 0; i < 2; i++)
        {
            await using var context = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Configure(database).AddEntityAuditing(services).Options);
            context.Tags.Add(new Tag { Label = "warned-" + Guid.NewGuid().ToString("N") });
            await context.SaveChangesAsync();
        }

        var warning = logs.Entries.Where(e => e.Id.Id == 4008).ShouldHaveSingleItem();
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.Message.ShouldContain("RelationalCommandDiagnosticsLogger, IRuntimeModel.SkipDetectChanges");
        warning.Message.ShouldContain("[10.0, 11.0)");
        sink.Events.Count.ShouldBe(2);
    }

    [Fact]
    public async Task On_the_EF_Core_compiled_against_nothing_is_warned()
    {
        var logs = new ListLoggerProvider();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddSingleton<IAuditSink>(new CollectingAuditSink())
            .AddEntityAuditing()
            .BuildServiceProvider();

        await using var context = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Configure(database).AddEntityAuditing(services).Options);

        context.GetService<IRelationalCommandDiagnosticsLogger>().ShouldBeOfType<AuditingCommandDiagnosticsLogger>();
        logs.Entries.ShouldNotContain(e => e.Id.Id == 4008);
    }

#pragma warning disable EF1001, CA1852 // Stands for an EF Core whose command logger, not sealed, takes one more constructor parameter.
    private class LoggerWithAnotherConstructor(
        ILoggerFactory loggerFactory,
        ILoggingOptions loggingOptions,
        DiagnosticSource diagnosticSource,
        LoggingDefinitions loggingDefinitions,
        IDbContextLogger contextLogger,
        IDbContextOptions contextOptions,
        IInterceptors? interceptors,
        TimeProvider timeProvider)
        : Microsoft.EntityFrameworkCore.Diagnostics.Internal.RelationalCommandDiagnosticsLogger(
            loggerFactory, loggingOptions, diagnosticSource, loggingDefinitions, contextLogger, contextOptions, interceptors)
    {
        public TimeProvider TimeProvider { get; } = timeProvider;
    }
#pragma warning restore EF1001, CA1852

    /// <summary>A model whose only entity type notifies its changes, so that EF Core has no changes to detect.</summary>
    private sealed class NotifyingContext : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            => optionsBuilder.UseSqlite("Data Source=:memory:");

        protected override void OnModelCreating(ModelBuilder modelBuilder)
            => modelBuilder.Entity<NotifyingEntity>().HasChangeTrackingStrategy(ChangeTrackingStrategy.ChangingAndChangedNotifications);
    }

    private sealed class NotifyingEntity : System.ComponentModel.INotifyPropertyChanged, System.ComponentModel.INotifyPropertyChanging
    {
        public event System.ComponentModel.PropertyChangedEventHandler? PropertyChanged;

        public event System.ComponentModel.PropertyChangingEventHandler? PropertyChanging;

        public int Id { get; set; }

        public void Touch()
        {
            PropertyChanging?.Invoke(this, new(nameof(Id)));
            PropertyChanged?.Invoke(this, new(nameof(Id)));
        }
    }

    /// <summary>Stands for an EF Core whose model flag changed type.</summary>
    private interface IModelWithAnotherFlag
    {
        int SkipDetectChanges { get; }
    }
}
