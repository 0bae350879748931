namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The hourly rollup's counting on PostgreSQL (<see cref="AuditDbContext.HourlyTable"/>): the statement-level trigger
/// function <c>audit_event_hourly_count()</c> that keeps it for every writer of <c>audit_events</c>, and the upsert that
/// adds a set of rows' counts, which the function runs over its transition table and <see cref="PostgresAuditEventStore"/>
/// over its staging table. A transaction that sets <see cref="Setting"/> to <see cref="ByWriter"/> (transaction-local)
/// counts its own inserts after its chain head (the store's writes that link before taking the head, so that every
/// writer takes a tenant's head before its rollup rows and writes of one tenant can move their rows into the table
/// side by side): the trigger leaves its inserts alone. Deletes, updates and truncation are always counted by the trigger.
/// The migration <c>HourlyRollupByWriter</c> replaced the function of <c>InitialSchema</c> with <see cref="CountFunction"/>.
/// </summary>
internal static class HourlyRollupSql
{
    /// <summary>The transaction-local setting by which a writer takes its inserts' counting on itself.</summary>
    public const string Setting = "auditkit.hourly_rollup";

    /// <summary>The value of <see cref="Setting"/> that leaves a transaction's inserts to the writer.</summary>
    public const string ByWriter = "writer";

    /// <summary>
    /// Adds the counts of the rows of <paramref name="source"/> (a table or transition table with the columns of
    /// <c>audit_events</c>), each row counting <paramref name="count"/>. Rows are upserted in key order, so concurrent
    /// writers lock shared rows in one order and wait for each other instead of deadlocking.
    /// </summary>
    public static string AddCounts(string source, string count = "count(*)") =>
        $"""
        INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
        SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, {count}
        FROM {source}
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
        DO UPDATE SET event_count = h.event_count + excluded.event_count
        """;

    /// <summary>
    /// The trigger function; with <paramref name="writerMayCount"/>, inserts of a transaction that set
    /// <see cref="Setting"/> to <see cref="ByWriter"/> are left to it (without, the function as <c>InitialSchema</c> made it).
    /// </summary>
    public static string CountFunction(bool writerMayCount) =>
        $$"""
        CREATE OR REPLACE FUNCTION audit_event_hourly_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {{(writerMayCount ? $"IF current_setting('{Setting}', true) = '{ByWriter}' THEN RETURN NULL; END IF;" : string.Empty)}}
                {{AddCounts("inserted_events")}};
                RETURN NULL;
            END IF;

            IF TG_OP = 'DELETE' THEN
                {{AddCounts("deleted_events", "-count(*)")}};
            ELSE
                INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
                SELECT tenant_id, hour, action, severity, status, service_name, sum(n)
                FROM (
                    SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC') AS hour, action, severity, status, service_name, 1 AS n
                    FROM inserted_events
                    UNION ALL
                    SELECT tenant_id, date_trunc('hour', "timestamp", 'UTC'), action, severity, status, service_name, -1
                    FROM deleted_events) d
                GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
                ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
                DO UPDATE SET event_count = h.event_count + excluded.event_count;
            END IF;

            -- Only rows this transaction brought to zero match: another's uncommitted decrement is not seen.
            DELETE FROM audit_event_hourly h
            USING (SELECT DISTINCT tenant_id, date_trunc('hour', "timestamp", 'UTC') AS hour FROM deleted_events) d
            WHERE h.tenant_id = d.tenant_id AND h.hour = d.hour AND h.event_count = 0;
            RETURN NULL;
        END $$;
        """;
}
