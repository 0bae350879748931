namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The SECURITY DEFINER function through which the runtime role deletes events (it has no DELETE on
/// <c>audit_events</c>): <c>auditkit_retention_cut(tenant, before, limit)</c> deletes at most <c>limit</c> of the
/// tenant's events stored before <c>before</c> (lowest seq first), records the delete in <c>retention_cuts</c> in the
/// same transaction, and returns one row per run of consecutive deleted seqs: (deleted, anchor_seq, anchor_hash), the
/// count of the whole call and the last seq and hash of the run, which the server signs as anchors. Created by the
/// migration <c>AddLeastPrivilege</c>, owned by the role that migrates. Its statements are planned generically
/// (<c>plan_cache_mode = force_generic_plan</c>): a plan made for the tenant's value estimates a tenant the statistics
/// do not know yet (new, or new to a partition since its last <c>ANALYZE</c>) at one row, and then made every index
/// that leads with <c>tenant_id</c> look alike: the ids were picked by reading all the tenant's rows and sorting them,
/// and the delete joined the picked ids to all the tenant's rows (an earlier <c>id IN (subquery)</c> form: a nested loop
/// that re-ran the subquery for every row, 5,000 events in 4.7 s). Planned for any tenant, the pick walks
/// <c>(tenant_id, seq)</c> in order and stops after <c>limit</c> rows, and the delete looks the picked ids up by primary
/// key (<c>id = ANY(array)</c>): the rows read are those deleted and those passed over, whether or not the statistics
/// know the tenant (a generic plan estimates a tenant at the table's average, rows / distinct tenants).
/// </summary>
internal static class RetentionCutSql
{
    public const string Function = "auditkit_retention_cut";

    public const string Create =
        $$"""
        CREATE FUNCTION {{Function}}(p_tenant text, p_before timestamp with time zone, p_limit integer)
        RETURNS TABLE (deleted integer, anchor_seq bigint, anchor_hash bytea)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
        AS $fn$
        DECLARE
            v_ids uuid[];
            v_seqs bigint[];
            v_hashes bytea[];
            v_count integer;
        BEGIN
            -- Planned for any tenant (see plan_cache_mode above): the walk of (tenant_id, seq) that stops after p_limit rows,
            -- then one primary-key lookup per picked id.
            v_ids := ARRAY(
                SELECT e.id FROM audit_events e WHERE e.tenant_id = p_tenant AND e.timestamp < p_before
                ORDER BY e.seq LIMIT p_limit);
            WITH gone AS (
                DELETE FROM audit_events a
                WHERE a.tenant_id = p_tenant AND a.id = ANY(v_ids)
                RETURNING a.seq, a.hash)
            SELECT count(*)::integer, array_agg(g.seq ORDER BY g.seq), array_agg(g.hash ORDER BY g.seq)
            INTO v_count, v_seqs, v_hashes FROM gone g;
            IF v_count = 0 THEN
                RETURN;
            END IF;

            INSERT INTO retention_cuts (tenant_id, id, cut_at, cut_before, deleted_events, last_seq, last_hash, performed_by)
            VALUES (p_tenant, (SELECT COALESCE(max(c.id), 0) + 1 FROM retention_cuts c WHERE c.tenant_id = p_tenant),
                    now(), p_before, v_count, v_seqs[v_count], v_hashes[v_count], session_user);

            FOR i IN 1 .. v_count LOOP
                IF i = v_count OR v_seqs[i + 1] <> v_seqs[i] + 1 THEN
                    deleted := v_count;
                    anchor_seq := v_seqs[i];
                    anchor_hash := v_hashes[i];
                    RETURN NEXT;
                END IF;
            END LOOP;
        END
        $fn$;
        REVOKE ALL ON FUNCTION {{Function}}(text, timestamp with time zone, integer) FROM PUBLIC;
        """;

    /// <summary>The same function, replacing an earlier body in place (its owner and grants stay).</summary>
    public static readonly string Replace = Create.Replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", StringComparison.Ordinal);

    public const string Drop = $"DROP FUNCTION IF EXISTS {Function}(text, timestamp with time zone, integer);";
}
