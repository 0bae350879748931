using Mono.Cecil;

namespace AuditKit.Server.Tests.Architecture;

/// <summary>
/// The server's slices (the first namespace segment under <c>AuditKit.Server</c>) depend on each other only downwards
/// in the order of docs/architecture.md, so none can reach back to one that uses it. Read from the compiled IL, so
/// a dependency in a method body counts as much as one in a signature.
/// </summary>
public sealed class SliceDependencyTests
{
    /// <summary>Bottom first: a slice may depend on those before it, never on those after it.</summary>
    private static readonly string[] s_layers =
    [
        "Common", "Actions", "Storage", "Auth", "Detection", "Ingest", "Admin", "AuditLogs", "Integrity", "Alerts", "Webhooks", "Retention", "Seeding", "Console", "Compatibility", "Import", "Hosting",
    ];

    private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> s_graph =
        new(() => SliceGraph.Read(typeof(AuditIngestor).Assembly.Location));

    [Fact]
    public void Every_slice_is_placed_in_the_layering()
    {
        s_graph.Value.Keys.Except(s_layers).ShouldBeEmpty("a new slice needs its place in the layering (and in docs/architecture.md)");
    }

    [Fact]
    public void Slices_have_no_cycles()
    {
        var cycle = SliceGraph.FindCycle(s_graph.Value.ToDictionary(static p => p.Key, static p => (IEnumerable<string>)p.Value.Keys));
        cycle.ShouldBeNull(cycle is null ? null : $"{string.Join(" -> ", cycle)}: {Evidence(cycle)}");
    }

    [Fact]
    public void Slices_depend_only_on_the_slices_below_them()
    {
        var upward = (
            from slice in s_graph.Value
            from target in slice.Value
            where Array.IndexOf(s_layers, target.Key) > Array.IndexOf(s_layers, slice.Key)
            select $"{slice.Key} -> {target.Key} ({target.Value})").ToList();
        upward.ShouldBeEmpty();
    }

    [Fact]
    public void A_cycle_is_found_wherever_it_closes()
    {
        var graph = new Dictionary<string, IEnumerable<string>>
        {
            ["Ingest"] = ["Storage", "Detection"],
            ["Detection"] = ["Storage", "Webhooks"],
            ["Webhooks"] = ["Ingest"],
            ["Storage"] = [],
        };
        SliceGraph.FindCycle(graph).ShouldBe(["Ingest", "Detection", "Webhooks", "Ingest"]);

        graph["Webhooks"] = ["Storage"];
        SliceGraph.FindCycle(graph).ShouldBeNull();
    }

    [Fact]
    public void Core_references_neither_AspNetCore_nor_EfCore()
    {
        var references = typeof(AuditEvent).Assembly.GetReferencedAssemblies().Select(static a => a.Name!).ToList();
        references.ShouldNotBeEmpty();
        references.Where(static n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    private static string Evidence(IReadOnlyList<string> cycle) =>
        string.Join("; ", cycle.Zip(cycle.Skip(1), (from, to) => $"{from} -> {to} by {s_graph.Value[from][to]}"));
}

/// <summary>Which slice's types use which other slice's types, read from an assembly's IL.</summary>
internal static class SliceGraph
{
    private const string Root = "AuditKit.Server.";

    /// <summary>Slice → slice it depends on → one type pair that shows it (for the failure message).</summary>
    public static Dictionary<string, Dictionary<string, string>> Read(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            if (SliceOf(type) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var found) ? found : graph[from] = new(StringComparer.Ordinal);
            foreach (var used in Uses(type))
            {
                if (SliceOf(used) is { } to && to != from)
                {
                    edges.TryAdd(to, $"{Outermost(type).FullName} uses {used.FullName}");
                }
            }
        }

        return graph;
    }

    /// <summary>A cycle as its slices with the first repeated at the end, or null when there is none.</summary>
    public static List<string>? FindCycle(IReadOnlyDictionary<string, IEnumerable<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return [.. path.Skip(at), node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.TryGetValue(node, out var targets) ? targets : [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        foreach (var node in graph.Keys)
        {
            if (Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static string? SliceOf(TypeReference type)
    {
        var ns = Outermost(type).Namespace;
        if (!ns.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[Root.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        var refs = new List<TypeReference>();
        if (type.BaseType is not null)
        {
            refs.Add(type.BaseType);
        }

        refs.AddRange(type.Interfaces.Select(static i => i.InterfaceType));
        refs.AddRange(type.CustomAttributes.Select(static a => a.AttributeType));
        refs.AddRange(type.Fields.Select(static f => f.FieldType));
        refs.AddRange(type.Properties.Select(static p => p.PropertyType));
        foreach (var method in type.Methods)
        {
            refs.Add(method.ReturnType);
            refs.AddRange(method.Parameters.Select(static p => p.ParameterType));
            refs.AddRange(method.CustomAttributes.Select(static a => a.AttributeType));
            if (!method.HasBody)
            {
                continue;
            }

            refs.AddRange(method.Body.Variables.Select(static v => v.VariableType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference operand:
                        refs.Add(operand);
                        break;
                    case MethodReference operand:
                        refs.Add(operand.DeclaringType);
                        refs.Add(operand.ReturnType);
                        refs.AddRange(operand.Parameters.Select(static p => p.ParameterType));
                        if (operand is GenericInstanceMethod generic)
                        {
                            refs.AddRange(generic.GenericArguments);
                        }

                        break;
                    case FieldReference operand:
                        refs.Add(operand.DeclaringType);
                        refs.Add(operand.FieldType);
                        break;
                }
            }
        }

        return refs.SelectMany(Expand);
    }

    /// <summary>A type with the types it is made of: element types of arrays and by-refs, generic arguments.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        yield return type;
        if (type is TypeSpecification specification && specification.ElementType is { } element)
        {
            foreach (var inner in Expand(element))
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
