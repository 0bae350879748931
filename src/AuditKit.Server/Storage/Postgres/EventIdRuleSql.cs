namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Whether every stored event keeps the id rule (<see cref="Common.EventIdRule"/>), as an IMMUTABLE function the
/// planner folds to a constant: a time-range query bounds <c>id</c> only when it returns true
/// (<c>AND (e.id &gt;= @lo OR NOT auditkit_event_ids_follow_time())</c> is <c>e.id &gt;= @lo</c> then), so events
/// stored before the rule with ids far from their time (a client's UUIDv4) are still found, by a query over every
/// partition. The migration that adds it checks the stored events once; the server refuses or re-keys such ids from
/// then on, so it never turns false. After retention has removed the last breaking event, an operator may redefine it
/// as <c>SELECT true</c> (docs/scaling.md, "Time partitions").
/// </summary>
internal static class EventIdRuleSql
{
    public const string Function = "auditkit_event_ids_follow_time";

    /// <summary>The id rule's tolerance in milliseconds, as <see cref="Common.EventIdRule.Tolerance"/>.</summary>
    private const string ToleranceMs = "3600000";

    /// <summary>The condition that the event in alias <c>e</c> keeps the rule: a UUIDv7 within the tolerance of its timestamp.</summary>
    public const string Holds =
        "(substr(e.id::text, 15, 1) = '7' AND substr(e.id::text, 20, 1) IN ('8', '9', 'a', 'b') " +
        "AND e.id >= auditkit_uuid_floor(e.timestamp - interval '" + ToleranceMs + " milliseconds') " +
        "AND e.id < auditkit_uuid_floor(e.timestamp + interval '" + ToleranceMs + " milliseconds' + interval '1 millisecond'))";

    /// <summary>
    /// Creates the function from one scan of the stored events. Row-level security is lifted for the scan (the
    /// migrating owner is subject to it when it is forced) and put back as it was.
    /// </summary>
    public const string Create =
        $"""
        DO $do$
        DECLARE
            v_force boolean;
            v_follow boolean;
        BEGIN
            SELECT c.relforcerowsecurity INTO v_force FROM pg_class c WHERE c.oid = 'audit_events'::regclass;
            IF v_force THEN
                ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY;
            END IF;
            SELECT NOT EXISTS (SELECT 1 FROM audit_events e WHERE NOT {Holds}) INTO v_follow;
            IF v_force THEN
                ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
            END IF;
            IF NOT v_follow THEN
                RAISE WARNING 'audit_events holds events whose id breaks the id rule (not a UUIDv7 within an hour of the event''s timestamp): time-range queries will not prune partitions (docs/scaling.md)';
            END IF;
            EXECUTE format('CREATE FUNCTION {Function}() RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                'SELECT ' || v_follow::text);
        END
        $do$;
        """;

    /// <summary>
    /// A bound on <c>e.id</c> that holds only when every stored event keeps the rule: <c>(e.id {op} {parameter} OR NOT
    /// auditkit_event_ids_follow_time())</c>, which the planner folds to the bare comparison.
    /// </summary>
    public static string Bound(string op, string parameter) => $"(e.id {op} {parameter} OR NOT {Function}())";

    public const string Drop = $"DROP FUNCTION IF EXISTS {Function}();";
}
