using Npgsql;
using NpgsqlTypes;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// A batch of rows as one <c>INSERT … SELECT … FROM unnest(…)</c> into <c>audit_events</c>: one array parameter per
/// column, sent in binary in one round trip, checked row by row by the tenant policy of row-level security (which
/// refuses <c>COPY FROM</c> into the table). It needs no temporary table, so a batch costs no catalog work: a session
/// temporary table had to be made again on every batch, as Npgsql's reset of a pooled connection (<c>DISCARD ALL</c>)
/// drops it.
/// </summary>
internal static class PostgresEventArrays
{
    private static readonly (string Column, NpgsqlDbType Type)[] s_columns =
    [
        ("tenant_id", NpgsqlDbType.Text), ("id", NpgsqlDbType.Uuid), ("timestamp", NpgsqlDbType.TimestampTz),
        ("received_at", NpgsqlDbType.TimestampTz), ("source", NpgsqlDbType.Text), ("action", NpgsqlDbType.Text),
        ("category", NpgsqlDbType.Text), ("resource_type", NpgsqlDbType.Text), ("resource_id", NpgsqlDbType.Text),
        ("resource_name", NpgsqlDbType.Text), ("user_id", NpgsqlDbType.Text), ("username", NpgsqlDbType.Text),
        ("user_email", NpgsqlDbType.Text), ("status", NpgsqlDbType.Smallint), ("severity", NpgsqlDbType.Smallint),
        ("service_name", NpgsqlDbType.Text), ("service_version", NpgsqlDbType.Text), ("method", NpgsqlDbType.Text),
        ("path", NpgsqlDbType.Text), ("route", NpgsqlDbType.Text), ("query", NpgsqlDbType.Text),
        ("status_code", NpgsqlDbType.Integer), ("duration_ms", NpgsqlDbType.Double), ("ip_address", NpgsqlDbType.Text),
        ("user_agent", NpgsqlDbType.Text), ("request_id", NpgsqlDbType.Text), ("trace_id", NpgsqlDbType.Text),
        ("session_id", NpgsqlDbType.Text), ("description", NpgsqlDbType.Text), ("error_code", NpgsqlDbType.Text),
        ("error_message", NpgsqlDbType.Text), ("changes", NpgsqlDbType.Jsonb), ("old_values", NpgsqlDbType.Jsonb),
        ("new_values", NpgsqlDbType.Jsonb), ("metadata", NpgsqlDbType.Jsonb), ("tags", NpgsqlDbType.Jsonb),
        ("data_classification", NpgsqlDbType.Text), ("seq", NpgsqlDbType.Bigint), ("hash", NpgsqlDbType.Bytea),
        ("salt", NpgsqlDbType.Bytea), ("personal_digests", NpgsqlDbType.Bytea), ("stack_trace", NpgsqlDbType.Text),
        (AuditEventColumns.ActionCanonicalColumn, NpgsqlDbType.Text),
    ];

    /// <summary>The insert of a batch: parameter <c>$n</c> is the array of column n.</summary>
    public static readonly string InsertSql =
        $"INSERT INTO {AuditDbContext.EventsTable} ({string.Join(", ", s_columns.Select(static c => c.Column))}) SELECT * FROM unnest(" +
        string.Join(", ", s_columns.Select(static (c, i) => $"${i + 1}::{TypeName(c.Type)}[]")) + ")";

    /// <summary>Adds the batch's column arrays to the parameters of a command whose text is <see cref="InsertSql"/>.</summary>
    public static void Bind(NpgsqlParameterCollection command, IReadOnlyList<AuditEventRow> rows)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(rows);
        Add(command, 0, Column(rows, static r => r.TenantId));
        Add(command, 1, Column(rows, static r => r.Id));
        Add(command, 2, Column(rows, static r => r.Timestamp));
        Add(command, 3, Column(rows, static r => r.ReceivedAt));
        Add(command, 4, Column(rows, static r => r.Source));
        Add(command, 5, Column(rows, static r => r.Action));
        Add(command, 6, Column(rows, static r => r.Category));
        Add(command, 7, Column(rows, static r => r.ResourceType));
        Add(command, 8, Column(rows, static r => r.ResourceId));
        Add(command, 9, Column(rows, static r => r.ResourceName));
        Add(command, 10, Column(rows, static r => r.UserId));
        Add(command, 11, Column(rows, static r => r.Username));
        Add(command, 12, Column(rows, static r => r.UserEmail));
        Add(command, 13, Column(rows, static r => (short)r.Status));
        Add(command, 14, Column(rows, static r => (short)r.Severity));
        Add(command, 15, Column(rows, static r => r.ServiceName));
        Add(command, 16, Column(rows, static r => r.ServiceVersion));
        Add(command, 17, Column(rows, static r => r.Method));
        Add(command, 18, Column(rows, static r => r.Path));
        Add(command, 19, Column(rows, static r => r.Route));
        Add(command, 20, Column(rows, static r => r.Query));
        Add(command, 21, Column(rows, static r => r.StatusCode));
        Add(command, 22, Column(rows, static r => r.DurationMs));
        Add(command, 23, Column(rows, static r => r.IpAddress));
        Add(command, 24, Column(rows, static r => r.UserAgent));
        Add(command, 25, Column(rows, static r => r.RequestId));
        Add(command, 26, Column(rows, static r => r.TraceId));
        Add(command, 27, Column(rows, static r => r.SessionId));
        Add(command, 28, Column(rows, static r => r.Description));
        Add(command, 29, Column(rows, static r => r.ErrorCode));
        Add(command, 30, Column(rows, static r => r.ErrorMessage));
        Add(command, 31, Column(rows, static r => r.Changes));
        Add(command, 32, Column(rows, static r => r.OldValues));
        Add(command, 33, Column(rows, static r => r.NewValues));
        Add(command, 34, Column(rows, static r => r.Metadata));
        Add(command, 35, Column(rows, static r => r.Tags));
        Add(command, 36, Column(rows, static r => r.DataClassification));
        Add(command, 37, Column(rows, static r => r.Seq));
        Add(command, 38, Column(rows, static r => r.Hash));
        Add(command, 39, Column(rows, static r => r.Salt));
        Add(command, 40, Column(rows, static r => r.PersonalDigests));
        Add(command, 41, Column(rows, static r => r.StackTrace));
        Add(command, 42, Column(rows, static r => r.ActionCanonical));
    }

    private static T[] Column<T>(IReadOnlyList<AuditEventRow> rows, Func<AuditEventRow, T> value)
    {
        var column = new T[rows.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = value(rows[i]);
        }

        return column;
    }

    private static void Add<T>(NpgsqlParameterCollection command, int ordinal, T[] values) =>
        command.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | s_columns[ordinal].Type, TypedValue = values });

    private static string TypeName(NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Text => "text",
        NpgsqlDbType.Uuid => "uuid",
        NpgsqlDbType.TimestampTz => "timestamptz",
        NpgsqlDbType.Smallint => "smallint",
        NpgsqlDbType.Integer => "integer",
        NpgsqlDbType.Double => "double precision",
        NpgsqlDbType.Jsonb => "jsonb",
        NpgsqlDbType.Bigint => "bigint",
        NpgsqlDbType.Bytea => "bytea",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No SQL name for this column type."),
    };
}
