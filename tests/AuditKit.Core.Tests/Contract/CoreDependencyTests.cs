using System.Reflection;

namespace AuditKit.Core.Tests.Contract;

/// <summary>AuditKit.Core is what an app with its own sink takes: it must not bring the HTTP, ASP.NET Core or EF Core stacks.</summary>
public sealed class CoreDependencyTests
{
    private static readonly string[] s_forbiddenPrefixes =
    [
        "Microsoft.AspNetCore",
        "Microsoft.EntityFrameworkCore",
        "Polly",
        "Microsoft.Extensions.Http",
    ];

    [Fact]
    public void Core_references_no_assembly_of_ASP_NET_Core_EF_Core_Polly_or_Microsoft_Extensions_Http()
    {
        var reached = ReferencedClosure(typeof(AuditEvent).Assembly);

        reached.ShouldContain("Microsoft.Extensions.Options");
        reached.Where(name => s_forbiddenPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .ShouldBeEmpty();
    }

    /// <summary>Every assembly Core reaches through references, its own dependencies' dependencies included.</summary>
    private static SortedSet<string> ReferencedClosure(Assembly root)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>(root.GetReferencedAssemblies());
        while (pending.TryPop(out var name))
        {
            if (name.Name is null || !seen.Add(name.Name))
            {
                continue;
            }

            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        return seen;
    }
}
