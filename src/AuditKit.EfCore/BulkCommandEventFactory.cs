using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditKit.Masking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuditKit.EfCore;

/// <summary>
/// Records <c>ExecuteUpdate</c> / <c>ExecuteDelete</c>, which bypass the change tracker, as <c>bulk</c> events:
/// the table (and entity), the operation, the rows affected and the SQL with its literal and parameter values masked.
/// </summary>
internal sealed partial class BulkCommandEventFactory(
    EntityAuditOptions options,
    EntityAuditPlanCache plans,
    AuditValueEncoder encoder,
    AuditMasker masker)
{
    private const int MaxSqlLength = 4096;

    private readonly ConditionalWeakTable<IModel, Dictionary<string, IEntityType>> _tables = new();

    public AuditEvent? Build(DbContext context, DbCommand command, bool isDelete, int rowsAffected, AuditScope scope, DateTimeOffset timestamp)
    {
        var sql = command.CommandText;
        var (schema, table) = TargetTable(sql);
        var entityType = table is null ? null : EntityFor(context.Model, schema, table);
        var plan = entityType is null ? null : plans.For(entityType);
        if (plan is { Audited: false })
        {
            return null;
        }

        var operation = isDelete ? "ExecuteDelete" : "ExecuteUpdate";
        var metadata = new JsonObject
        {
            ["operation"] = operation,
            ["table"] = table,
            ["rows_affected"] = rowsAffected,
            ["sql"] = RedactLiterals(sql),
        };
        if (schema is not null)
        {
            metadata["schema"] = schema;
        }

        if (!isDelete && SetColumns(sql) is { Count: > 0 } columns)
        {
            metadata["columns"] = columns;
        }

        if (command.Parameters.Count > 0)
        {
            var parameters = new JsonObject();
            foreach (DbParameter parameter in command.Parameters)
            {
                var value = parameter.Value is DBNull ? null : parameter.Value;
                var reveal = options.RevealBulkParameterValues && !masker.IsSensitiveName(parameter.ParameterName);
                var rule = reveal ? default : new PropertyAuditRule(Ignore: false, options.BulkParameterStyle, null);
                parameters[parameter.ParameterName] = encoder.Encode(value, rule);
            }

            metadata["parameters"] = parameters;
        }

        var auditEvent = new AuditEvent
        {
            Id = AuditEventIds.New(timestamp),
            Timestamp = timestamp,
            Source = AuditSources.Bulk,
            Action = isDelete ? AuditActions.Delete : AuditActions.Update,
            Status = AuditStatus.Success,
            Severity = plan?.Severity ?? options.DeleteSeverity,
            ResourceType = plan?.ResourceType ?? table,
            Category = plan?.Category,
            Tags = plan?.Tags is { } tags ? [.. tags] : null,
            DataClassification = plan?.DataClassification,
            Description = $"{operation} on {table ?? "an unknown table"} affected {rowsAffected} row{(rowsAffected == 1 ? "" : "s")}.",
            Metadata = metadata,
        };
        scope.Stamp(auditEvent);
        return auditEvent;
    }

    /// <summary>The table an UPDATE or DELETE statement writes, including SQL Server's <c>DELETE FROM [c] FROM [T] AS [c]</c> form.</summary>
    internal static (string? Schema, string? Table) TargetTable(string sql)
    {
        var match = TargetPattern().Match(sql);
        if (!match.Success)
        {
            return (null, null);
        }

        var target = match.Groups["target"].Value;
        foreach (Match alias in AliasPattern().Matches(sql))
        {
            if (string.Equals(Unquote(alias.Groups["alias"].Value), Unquote(target), StringComparison.Ordinal))
            {
                target = alias.Groups["table"].Value;
                break;
            }
        }

        var parts = IdentifierPattern().Matches(target).Select(m => Unquote(m.Value)).ToArray();
        return parts.Length switch
        {
            0 => (null, null),
            1 => (null, parts[0]),
            _ => (parts[^2], parts[^1]),
        };
    }

    /// <summary>Replaces every string literal with <c>'***'</c>: EF Core inlines constants, which may be sensitive.</summary>
    internal static string RedactLiterals(string sql)
    {
        var builder = new StringBuilder(Math.Min(sql.Length, MaxSqlLength + 16));
        var i = 0;
        while (i < sql.Length && builder.Length < MaxSqlLength)
        {
            var c = sql[i];
            if (c is '"' or '[' or '`')
            {
                // A quoted identifier is copied as is, even if it holds a quote.
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                end = end < 0 ? sql.Length - 1 : end;
                builder.Append(sql, i, end - i + 1);
                i = end + 1;
            }
            else if (c == '\'')
            {
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == '\'' && (i + 1 >= sql.Length || sql[i + 1] != '\''))
                    {
                        break;
                    }

                    i += sql[i] == '\'' ? 2 : 1;
                }

                builder.Append("'***'");
                i++;
            }
            else
            {
                builder.Append(c);
                i++;
            }
        }

        if (i < sql.Length)
        {
            builder.Append("…");
        }

        return builder.ToString();
    }

    private static JsonArray? SetColumns(string sql)
    {
        var set = SetClausePattern().Match(sql);
        if (!set.Success)
        {
            return null;
        }

        var columns = new JsonArray();
        foreach (Match column in SetColumnPattern().Matches(set.Groups["assignments"].Value))
        {
            columns.Add(Unquote(column.Groups["column"].Value));
        }

        return columns;
    }

    private IEntityType? EntityFor(IModel model, string? schema, string table)
    {
        var byTable = _tables.GetValue(model, static m =>
        {
            var map = new Dictionary<string, IEntityType>(StringComparer.OrdinalIgnoreCase);
            foreach (var entityType in m.GetEntityTypes().Where(t => !t.IsOwned()).OrderBy(t => t.BaseType is null ? 0 : 1))
            {
                if (entityType.GetTableName() is { } name)
                {
                    map.TryAdd(name, entityType);
                    if (entityType.GetSchema() is { } entitySchema)
                    {
                        map.TryAdd(entitySchema + "." + name, entityType);
                    }
                }
            }

            return map;
        });

        return (schema is not null && byTable.TryGetValue(schema + "." + table, out var qualified)) ? qualified
            : byTable.TryGetValue(table, out var entity) ? entity
            : null;
    }

    private static string Unquote(string identifier)
        => identifier.Length >= 2 && identifier[0] is '"' or '[' or '`' ? identifier[1..^1] : identifier;

    private const string Identifier = """(?:"[^"]+"|\[[^\]]+\]|`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)""";

    [GeneratedRegex($@"^(?:\s*--[^\n]*\n)*\s*(?:UPDATE|DELETE\s+FROM|DELETE)\s+(?<target>{Identifier}(?:\.{Identifier})?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TargetPattern();

    [GeneratedRegex($@"\bFROM\s+(?<table>{Identifier}(?:\.{Identifier})?)\s+AS\s+(?<alias>{Identifier})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex(Identifier, RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"\bSET\s+(?<assignments>.*?)(?:\s+FROM\s|\s+WHERE\s|\s+RETURNING\s|;|$)", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SetClausePattern();

    [GeneratedRegex($@"(?:^|,)\s*(?:{Identifier}\.)?(?<column>{Identifier})\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex SetColumnPattern();
}
