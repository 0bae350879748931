using Mono.Cecil;
using Mono.Cecil.Cil;

namespace AuditKit.Server.Tests.Architecture;

/// <summary>
/// Only Storage talks to the database (DESIGN.md §7): the slices above it may hand a store the transaction Storage gave
/// them, but never build SQL themselves — no ADO.NET command, reader or parameter, no call into ADO.NET, Npgsql or
/// Microsoft.Data.Sqlite, and no raw SQL through EF Core. Read from the compiled IL, like <see cref="SliceDependencyTests"/>.
/// </summary>
public sealed class DataAccessTests
{
    private static readonly Lazy<List<DataAccessUse>> s_uses = new(() => DataAccessScan.Read(typeof(AuditIngestor).Assembly.Location));

    [Fact]
    public void Only_storage_uses_ado_net_or_raw_sql()
    {
        s_uses.Value.Where(static u => u.Slice != "Storage").Select(static u => u.ToString()).Distinct().ShouldBeEmpty();
    }

    [Fact]
    public void The_scan_finds_the_sql_storage_writes()
    {
        // The scan must see what it forbids elsewhere, or the test above passes for want of looking.
        var storage = s_uses.Value.Where(static u => u.Slice == "Storage").ToList();
        storage.ShouldContain(static u => u.Type.EndsWith(".RelationalRetentionStore", StringComparison.Ordinal) && u.Use.Contains("DbCommand", StringComparison.Ordinal));
        storage.ShouldContain(static u => u.Type.EndsWith(".RelationalWebhookStore", StringComparison.Ordinal) && u.Use.Contains("DbDataReader", StringComparison.Ordinal));
        storage.ShouldContain(static u => u.Use.Contains("Npgsql", StringComparison.Ordinal));
        storage.ShouldContain(static u => u.Use.Contains("Microsoft.Data.Sqlite", StringComparison.Ordinal));
    }
}

/// <summary>A use of data access by a server type: its slice, the type, and what it uses.</summary>
internal sealed record DataAccessUse(string Slice, string Type, string Use)
{
    public override string ToString() => $"{Type} ({Slice}) uses {Use}";
}

/// <summary>Finds the uses of ADO.NET, the database drivers and EF Core's raw SQL in an assembly's IL.</summary>
internal static class DataAccessScan
{
    private const string Root = "AuditKit.Server.";

    public static List<DataAccessUse> Read(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var uses = new List<DataAccessUse>();
        foreach (var type in module.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null)
            {
                outer = outer.DeclaringType;
            }

            if (!outer.Namespace.StartsWith(Root, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = outer.Namespace[Root.Length..];
            var slice = rest.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0 ? rest[..dot] : rest;
            uses.AddRange(Uses(type).Distinct(StringComparer.Ordinal).Select(use => new DataAccessUse(slice, outer.FullName, use)));
        }

        return uses;
    }

    private static IEnumerable<string> Uses(TypeDefinition type)
    {
        var types = new List<TypeReference>();
        types.AddRange(type.Fields.Select(static f => f.FieldType));
        types.AddRange(type.Properties.Select(static p => p.PropertyType));
        foreach (var method in type.Methods)
        {
            types.Add(method.ReturnType);
            types.AddRange(method.Parameters.Select(static p => p.ParameterType));
            if (!method.HasBody)
            {
                continue;
            }

            types.AddRange(method.Body.Variables.Select(static v => v.VariableType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case MethodReference called when IsDriver(called.DeclaringType) || IsRawSql(called):
                        yield return $"{called.DeclaringType.FullName}.{called.Name}";
                        break;
                    case MethodReference called:
                        types.Add(called.DeclaringType);
                        types.Add(called.ReturnType);
                        types.AddRange(called.Parameters.Select(static p => p.ParameterType));
                        break;
                    case FieldReference field when IsDriver(field.DeclaringType):
                        yield return $"{field.DeclaringType.FullName}.{field.Name}";
                        break;
                    case TypeReference used:
                        types.Add(used);
                        break;
                    case VariableDefinition or ParameterDefinition or Instruction or string or null:
                        break;
                }
            }
        }

        foreach (var used in types.SelectMany(Expand).Where(IsForbiddenType))
        {
            yield return used.FullName;
        }
    }

    /// <summary>ADO.NET and the two drivers.</summary>
    private static bool IsDriver(TypeReference type)
    {
        var ns = Outermost(type).Namespace;
        return ns.StartsWith("System.Data", StringComparison.Ordinal)
            || ns.StartsWith("Npgsql", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal);
    }

    /// <summary>
    /// A driver type other than the connection and transaction a slice may carry from Storage to a store (the work done
    /// alongside an audit event takes them as parameters).
    /// </summary>
    private static bool IsForbiddenType(TypeReference type) =>
        IsDriver(type) && type.FullName is not ("System.Data.Common.DbConnection" or "System.Data.Common.DbTransaction");

    /// <summary>EF Core's raw SQL: <c>ExecuteSql…</c>, <c>FromSql…</c>, <c>SqlQuery…</c>.</summary>
    private static bool IsRawSql(MethodReference method) =>
        method.DeclaringType.Namespace.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
        && (method.Name.StartsWith("ExecuteSql", StringComparison.Ordinal)
            || method.Name.StartsWith("FromSql", StringComparison.Ordinal)
            || method.Name.StartsWith("SqlQuery", StringComparison.Ordinal));

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        yield return type;
        if (type is TypeSpecification specification)
        {
            foreach (var inner in Expand(specification.ElementType))
            {
                yield return inner;
            }
        }

        if (type is GenericInstanceType generic)
        {
            foreach (var inner in generic.GenericArguments.SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }
}
