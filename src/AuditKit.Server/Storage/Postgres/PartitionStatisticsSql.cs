namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The SECURITY DEFINER function through which the runtime role, which owns no table and so may not <c>ANALYZE</c>,
/// has the statistics of one time partition of <c>audit_events</c> taken again (<see cref="PostgresPartitionStatistics"/>):
/// <c>auditkit_event_partition_analyze(tenants, id)</c> analyzes the partition that holds <c>id</c> (the default
/// partition when none does), unless its statistics already count every one of <c>tenants</c> among the most common
/// values of <c>tenant_id</c>, or another process is analyzing it at that moment (a try lock, so instances never queue
/// behind each other). Returns whether it analyzed. <c>ANALYZE</c> takes SHARE UPDATE EXCLUSIVE on the partition only:
/// writers and readers go on. Owned by the role that migrates (migration <c>PartitionStatistics</c>).
/// </summary>
internal static class PartitionStatisticsSql
{
    public const string Function = "auditkit_event_partition_analyze";

    public const string Signature = Function + "(text[], uuid)";

    public const string Create =
        """
        CREATE FUNCTION auditkit_event_partition_analyze(p_tenants text[], p_id uuid)
        RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_partition oid;
        BEGIN
            SELECT c.oid INTO v_partition
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
                LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$FROM \('([0-9a-f-]+)'\) TO \('([0-9a-f-]+)'\)$re$) AS b) r
            WHERE i.inhparent = 'audit_events'::regclass AND r.b IS NOT NULL AND r.b[1]::uuid <= p_id AND p_id < r.b[2]::uuid;
            IF v_partition IS NULL THEN
                SELECT c.oid INTO v_partition FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'audit_events'::regclass AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
            END IF;
            IF v_partition IS NULL THEN
                RETURN false;
            END IF;

            -- Statistics that already know every tenant (among the most common values) are left as they are.
            IF EXISTS (
                SELECT 1 FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace::regnamespace::name = s.schemaname
                WHERE c.oid = v_partition AND s.attname = 'tenant_id' AND NOT s.inherited
                  AND p_tenants <@ s.most_common_vals::text::text[]) THEN
                RETURN false;
            END IF;

            -- One process at a time per partition; the others find the work being done and leave it.
            IF NOT pg_try_advisory_xact_lock(hashtext('auditkit_event_partition_analyze'), v_partition::integer) THEN
                RETURN false;
            END IF;
            EXECUTE format('ANALYZE %s', v_partition::regclass);
            RETURN true;
        END
        $fn$;
        REVOKE ALL ON FUNCTION auditkit_event_partition_analyze(text[], uuid) FROM PUBLIC;
        """;

    public const string Drop = $"DROP FUNCTION IF EXISTS {Signature};";
}
