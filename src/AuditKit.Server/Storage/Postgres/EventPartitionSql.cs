namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Time partitions of <c>audit_events</c> on PostgreSQL (docs/scaling.md, "Time partitions"): the table is range
/// partitioned by <c>id</c>, whose UUIDv7 ids begin with their 48-bit Unix milliseconds, so the bounds of a period are
/// the ids of its first millisecond with every other bit zero (<c>auditkit_uuid_floor</c>) and <c>(tenant_id, id)</c>
/// stays the primary key. Partitions are named <c>audit_events_pYYYYMMDD</c> after the UTC start of their period; a
/// default partition takes any id no partition covers (ids that are not UUIDv7, or from a period never created), so
/// ingest never fails for lack of a partition. The two SECURITY DEFINER functions (owned by the role that migrates)
/// are how the runtime role, which owns nothing, creates partitions ahead and drops old ones; both take one advisory
/// lock, so of several server processes one works at a time and the others find the work done.
/// </summary>
internal static class EventPartitionSql
{
    public const string UuidFloorFunction = "auditkit_uuid_floor";

    public const string EnsureFunction = "auditkit_event_partitions_ensure";

    public const string EnsureSignature = EnsureFunction + "(timestamp with time zone, timestamp with time zone, boolean)";

    public const string DropFunction = "auditkit_retention_drop_partition";

    public const string DropSignature = DropFunction + "(timestamp with time zone)";

    /// <summary>The lower bound id of the millisecond <c>p_at</c> falls in.</summary>
    public const string CreateUuidFloor =
        """
        CREATE FUNCTION auditkit_uuid_floor(p_at timestamp with time zone) RETURNS uuid
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $fn$
            SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-0000-0000-000000000000')::uuid
            FROM (SELECT lpad(to_hex(floor(extract(epoch FROM p_at) * 1000)::bigint), 12, '0') AS h) x
        $fn$;
        """;

    /// <summary>
    /// <c>auditkit_event_partitions_ensure(from, until, daily)</c>: creates the partition of every month (or day) from
    /// the one holding <c>from</c> to the one holding <c>until</c> that no partition overlaps yet; returns how many it
    /// made. A period whose events the default partition already holds is passed over with a warning (its events stay
    /// in the default partition, where retention deletes them row by row).
    /// </summary>
    public const string CreateEnsure =
        """
        CREATE FUNCTION auditkit_event_partitions_ensure(p_from timestamp with time zone, p_until timestamp with time zone, p_daily boolean)
        RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_step interval := CASE WHEN p_daily THEN interval '1 day' ELSE interval '1 month' END;
            v_start timestamp with time zone := date_trunc(CASE WHEN p_daily THEN 'day' ELSE 'month' END, p_from, 'UTC');
            v_lo uuid;
            v_hi uuid;
            v_created integer := 0;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('auditkit_event_partitions'));
            WHILE v_start < p_until LOOP
                v_lo := auditkit_uuid_floor(v_start);
                v_hi := auditkit_uuid_floor(v_start + v_step);
                -- A period any partition already overlaps (another period length configured earlier) is left as it is.
                IF NOT EXISTS (
                    SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
                        LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$FROM \('([0-9a-f-]+)'\) TO \('([0-9a-f-]+)'\)$re$) AS b) r
                    WHERE i.inhparent = 'audit_events'::regclass AND r.b IS NOT NULL AND r.b[1]::uuid < v_hi AND r.b[2]::uuid > v_lo) THEN
                    BEGIN
                        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                            'audit_events_p' || to_char(v_start AT TIME ZONE 'UTC', 'YYYYMMDD'), v_lo, v_hi);
                        v_created := v_created + 1;
                    EXCEPTION WHEN check_violation THEN
                        -- The default partition already holds events of this period (stored while no partition covered it):
                        -- they stay there, where retention deletes them row by row.
                        RAISE WARNING 'audit_events: the default partition holds events from %; no partition made for them', v_start;
                    END;
                END IF;
                v_start := v_start + v_step;
            END LOOP;
            RETURN v_created;
        END
        $fn$;
        REVOKE ALL ON FUNCTION auditkit_event_partitions_ensure(timestamp with time zone, timestamp with time zone, boolean) FROM PUBLIC;
        """;

    /// <summary>
    /// <c>auditkit_retention_drop_partition(before)</c>: drops the oldest partition whose ids all lie before
    /// <c>before</c> and whose events are all stored before it (a partition holding a later event is passed over and
    /// left to the row-by-row delete), after subtracting its events from the hourly summary and recording one
    /// <c>retention_cuts</c> row per tenant it held, as <see cref="RetentionCutSql"/> records a delete. Returns one row
    /// per run of consecutive seqs of each tenant it removed: (tenant_id, deleted, anchor_seq, anchor_hash), with the
    /// tenant's count; no row when there was nothing to drop. Writers wait while it reads the partition (SHARE on the
    /// table, taken before the partition's lock as every writer takes them); readers wait only for the drop itself.
    /// </summary>
    public const string CreateDrop =
        """
        CREATE FUNCTION auditkit_retention_drop_partition(p_before timestamp with time zone)
        RETURNS TABLE (tenant_id text, deleted integer, anchor_seq bigint, anchor_hash bytea)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_partition regclass;
            v_later boolean;
        BEGIN
            -- One process at a time; SHARE keeps writers out (readers go on) while the partition's rows are read, taken on the
            -- table before the partition as every writer does, so the two never wait on each other in a circle.
            PERFORM pg_advisory_xact_lock(hashtext('auditkit_event_partitions'));
            LOCK TABLE audit_events IN SHARE MODE;
            FOR v_partition IN
                SELECT c.oid::regclass
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
                     LATERAL (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$TO \('([0-9a-f-]+)'\)$re$))[1]::uuid AS hi) b
                WHERE i.inhparent = 'audit_events'::regclass AND b.hi IS NOT NULL AND b.hi <= auditkit_uuid_floor(p_before)
                ORDER BY b.hi
            LOOP
                -- Only a partition whose every event is before the cut goes whole; one that holds a later event (an id whose
                -- time is not its event's) is left to the row-by-row delete.
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s e WHERE e."timestamp" >= $1)', v_partition) USING p_before INTO v_later;
                CONTINUE WHEN v_later;

                DROP TABLE IF EXISTS pg_temp.auditkit_dropped;
                EXECUTE format(
                    'CREATE TEMPORARY TABLE auditkit_dropped ON COMMIT DROP AS
                     SELECT e.tenant_id, e.seq, e.hash, count(*) OVER (PARTITION BY e.tenant_id) AS n,
                            lead(e.seq) OVER (PARTITION BY e.tenant_id ORDER BY e.seq) AS next_seq,
                            row_number() OVER (PARTITION BY e.tenant_id ORDER BY e.seq DESC) AS from_last
                     FROM %s e', v_partition);

                -- The summary counts lose the partition's events as the delete trigger would have subtracted them.
                EXECUTE format(
                    'INSERT INTO audit_event_hourly AS h (tenant_id, hour, action, severity, status, service_name, event_count)
                     SELECT e.tenant_id, date_trunc(''hour'', e."timestamp", ''UTC''), e.action, e.severity, e.status, e.service_name, -count(*)
                     FROM %s e GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
                     ON CONFLICT (tenant_id, hour, action, severity, status, service_name)
                     DO UPDATE SET event_count = h.event_count + excluded.event_count', v_partition);
                EXECUTE format(
                    'DELETE FROM audit_event_hourly h
                     USING (SELECT DISTINCT e.tenant_id, date_trunc(''hour'', e."timestamp", ''UTC'') AS hour FROM %s e) d
                     WHERE h.tenant_id = d.tenant_id AND h.hour = d.hour AND h.event_count = 0', v_partition);

                INSERT INTO retention_cuts (tenant_id, id, cut_at, cut_before, deleted_events, last_seq, last_hash, performed_by)
                SELECT d.tenant_id, (SELECT COALESCE(max(c.id), 0) + 1 FROM retention_cuts c WHERE c.tenant_id = d.tenant_id),
                       now(), p_before, d.n, d.seq, d.hash, session_user
                FROM auditkit_dropped d WHERE d.from_last = 1;

                EXECUTE format('DROP TABLE %s', v_partition);

                -- An empty partition goes without a word; the next one is looked at in the same call.
                IF EXISTS (SELECT 1 FROM auditkit_dropped) THEN
                    RETURN QUERY
                        SELECT d.tenant_id, d.n::integer, d.seq, d.hash FROM auditkit_dropped d
                        WHERE d.next_seq IS NULL OR d.next_seq <> d.seq + 1
                        ORDER BY d.tenant_id, d.seq;
                    RETURN;
                END IF;
            END LOOP;
            RETURN;
        END
        $fn$;
        REVOKE ALL ON FUNCTION auditkit_retention_drop_partition(timestamp with time zone) FROM PUBLIC;
        """;

    // What audit_events carries besides its columns (indexes, triggers, row-level security, policies, grants), read from
    // the catalog before the table is renamed: both ways of the migration carry it over as it is.
    private const string CaptureCarried =
        """
            -- What the table carries besides its columns, read from the catalog so whatever an earlier migration
            -- added (indexes, triggers, policies, grants) is carried over as it is.
            SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY c.relname), '{}') INTO v_indexes
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'audit_events'::regclass AND NOT i.indisprimary;
            SELECT coalesce(array_agg(pg_get_triggerdef(t.oid) ORDER BY t.tgname), '{}') INTO v_triggers
            FROM pg_trigger t WHERE t.tgrelid = 'audit_events'::regclass AND NOT t.tgisinternal;
            SELECT coalesce(array_agg(format('CREATE POLICY %I ON audit_events AS %s FOR %s TO %s%s%s', p.policyname, p.permissive, p.cmd,
                       array_to_string(ARRAY(SELECT CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END FROM unnest(p.roles) r), ', '),
                       CASE WHEN p.qual IS NULL THEN '' ELSE ' USING (' || p.qual || ')' END,
                       CASE WHEN p.with_check IS NULL THEN '' ELSE ' WITH CHECK (' || p.with_check || ')' END)), '{}') INTO v_policies
            FROM pg_policies p WHERE p.schemaname = current_schema() AND p.tablename = 'audit_events';
            SELECT coalesce(array_agg(format('GRANT %s ON audit_events TO %s', a.privilege_type,
                       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END)), '{}') INTO v_grants
            FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = 'audit_events'::regclass AND a.grantee <> c.relowner;
            SELECT c.relrowsecurity, c.relforcerowsecurity INTO v_rls, v_force FROM pg_class c WHERE c.oid = 'audit_events'::regclass;
            SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_columns
            FROM pg_attribute a WHERE a.attrelid = 'audit_events'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
        """;

    // Row-level security, its policies and the grants read by CaptureCarried, made again on the new audit_events.
    private const string RestoreCarried =
        """
            IF v_rls THEN
                ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
            END IF;
            IF v_force THEN
                ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
            END IF;
            FOREACH v_sql IN ARRAY v_policies LOOP
                EXECUTE v_sql;
            END LOOP;
            FOREACH v_sql IN ARRAY v_grants LOOP
                EXECUTE v_sql;
            END LOOP;
        """;

    /// <summary>
    /// The one way <c>audit_events</c> is made again, either way: the table is renamed to <paramref name="aside"/> (its
    /// indexes dropped), a new <c>audit_events</c> made by <paramref name="create"/> (the columns, defaults and generated
    /// column come over by <c>LIKE</c>), the rows moved, and the indexes (each rewritten by
    /// <paramref name="indexRewrite"/>), triggers, row-level security, policies and grants read by
    /// <see cref="CaptureCarried"/> made again on it, so whatever earlier migrations put there comes along.
    /// <paramref name="declarations"/> adds the variables <paramref name="create"/> uses.
    /// </summary>
    private static string Move(string aside, string declarations, string create, string indexRewrite) =>
        $"""
        DO $mig$
        DECLARE
            v_indexes text[];
            v_triggers text[];
            v_policies text[];
            v_grants text[];
            v_rls boolean;
            v_force boolean;
            v_columns text;
        {declarations}    v_sql text;
        BEGIN
            LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;

        {CaptureCarried}
            ALTER TABLE audit_events RENAME TO {aside};
            ALTER TABLE {aside} RENAME CONSTRAINT pk_audit_events TO pk_{aside};
            FOR v_sql IN SELECT format('DROP INDEX %I', c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                         WHERE i.indrelid = '{aside}'::regclass AND NOT i.indisprimary LOOP
                EXECUTE v_sql;
            END LOOP;

        {create}    EXECUTE format('INSERT INTO audit_events (%s) SELECT %s FROM {aside}', v_columns, v_columns);

            ALTER TABLE audit_events ADD CONSTRAINT pk_audit_events PRIMARY KEY (tenant_id, id);
            FOREACH v_sql IN ARRAY v_indexes LOOP
                v_sql := replace(v_sql, ' ON public.{aside} ', ' ON public.audit_events ');
                v_sql := replace(v_sql, ' ON {aside} ', ' ON audit_events ');
        {indexRewrite}        EXECUTE v_sql;
            END LOOP;
            FOREACH v_sql IN ARRAY v_triggers LOOP
                EXECUTE replace(replace(v_sql, ' ON public.{aside} ', ' ON public.audit_events '), ' ON {aside} ', ' ON audit_events ');
            END LOOP;
        {RestoreCarried}
            DROP TABLE {aside};
        END
        $mig$;
        ANALYZE audit_events;
        """;

    /// <summary>
    /// Turns the unpartitioned <c>audit_events</c> into the partitioned one, moving its rows (<see cref="Move"/>). A
    /// unique index must hold the partition key: the chain's <c>(tenant_id, seq)</c> becomes a plain index (the head row
    /// every writer locks keeps seqs unique). Monthly partitions are made from the oldest stored event's month (ten
    /// years back at most) to three months ahead; the server adds the rest (<c>AuditKit:Storage:Partitions</c>).
    /// </summary>
    public static readonly string Partition = Move(
        "audit_events_unpartitioned",
        """
            v_first timestamp with time zone;
            v_month timestamp with time zone;

        """,
        """
            CREATE TABLE audit_events (LIKE audit_events_unpartitioned INCLUDING ALL EXCLUDING INDEXES) PARTITION BY RANGE (id);
            CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

            -- Monthly partitions from the oldest stored event's month (at most ten years back) to three months ahead; ids
            -- outside them (not UUIDv7, or older) go to the default partition.
            SELECT date_trunc('month', min("timestamp"), 'UTC') INTO v_first FROM audit_events_unpartitioned;
            v_month := greatest(coalesce(v_first, date_trunc('month', now(), 'UTC')), date_trunc('month', now(), 'UTC') - interval '10 years');
            WHILE v_month < date_trunc('month', now(), 'UTC') + interval '4 months' LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                    'audit_events_p' || to_char(v_month AT TIME ZONE 'UTC', 'YYYYMMDD'),
                    auditkit_uuid_floor(v_month), auditkit_uuid_floor(v_month + interval '1 month'));
                v_month := v_month + interval '1 month';
            END LOOP;

        """,
        """
                -- A unique index must hold the partition key: one without id (the chain's (tenant_id, seq)) becomes a plain
                -- index; the head row each writer locks keeps seqs unique.
                IF v_sql LIKE 'CREATE UNIQUE INDEX %' AND v_sql !~ '[(, ]id[,)]' THEN
                    v_sql := 'CREATE INDEX' || substr(v_sql, length('CREATE UNIQUE INDEX') + 1);
                END IF;

        """);

    /// <summary>The way back: the partitioned table made one table again, its rows moved, <c>(tenant_id, seq)</c> unique again.</summary>
    public static readonly string Unpartition = Move(
        "audit_events_partitioned",
        string.Empty,
        """
            CREATE TABLE audit_events (LIKE audit_events_partitioned INCLUDING ALL EXCLUDING INDEXES);

        """,
        """
                v_sql := replace(v_sql, ' ON ONLY ', ' ON ');
                -- The chain's (tenant_id, seq) is unique again (named ux_ as every unique index).
                IF v_sql LIKE 'CREATE INDEX ux\_%' THEN
                    v_sql := 'CREATE UNIQUE INDEX' || substr(v_sql, length('CREATE INDEX') + 1);
                END IF;

        """);

    public const string DropFunctions =
        $"DROP FUNCTION IF EXISTS {DropSignature};\n" +
        $"DROP FUNCTION IF EXISTS {EnsureSignature};\n" +
        $"DROP FUNCTION IF EXISTS {UuidFloorFunction}(timestamp with time zone);\n";
}
