namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The SECURITY DEFINER function through which the runtime role removes a person's values from the JSON fields of a
/// tenant's events (it has no UPDATE on <c>audit_events</c>):
/// <c>auditkit_erase_json(tenant, erasure, needles, after_seq, limit)</c> takes the next at most <c>limit</c> events
/// after <c>after_seq</c> (by seq) whose <c>metadata</c>, <c>old_values</c>, <c>new_values</c> or <c>changes</c> text
/// contains one of <c>needles</c>, replaces in those fields every string value that contains a needle with
/// <see cref="ErasureJson.Marker"/> (<c>auditkit_erase_json_value</c>, recursively), and for each event it changed that
/// has a chain hash inserts an <c>erasure_anchors</c> row with that hash, in the same statement. It returns the highest
/// seq it looked at (NULL when none is left), where the next call resumes. It writes no other column, so a caller cannot
/// use it to write a value of its choice. Created by the migration <c>AddErasureAnchors</c>, owned by the role that
/// migrates.
/// </summary>
/// <remarks>
/// The JSON fields are <see cref="ErasedFields.Json"/>, the list SQLite's erasure follows. A database keeps the function
/// its migration created: a change to the list (or to this SQL) comes with a migration that replaces it.
/// </remarks>
internal static class ErasureJsonSql
{
    public const string Function = "auditkit_erase_json";

    public const string Signature = Function + "(text, uuid, text[], bigint, integer)";

    public const string ValueFunction = "auditkit_erase_json_value";

    public const string ValueSignature = ValueFunction + "(jsonb, text[])";

    public static string Create { get; } = Build();

    public const string Drop = $"DROP FUNCTION IF EXISTS {Signature};\nDROP FUNCTION IF EXISTS {ValueSignature};";

    private static string Build()
    {
        var json = ErasedFields.Json;

        // Whether an event's JSON fields (as text) contain a needle: a filter only, the rewrite decides per value.
        var candidate =
            $"EXISTS (SELECT 1 FROM unnest(p_needles) n WHERE n <> '' AND strpos(concat({string.Join(", ", json.Select(static c => $"e.{c}::text"))}), n) > 0)";
        var columns = string.Join(", ", json.Select(static c => "e." + c));
        var rewrites = string.Join(",\n", json.Select(static c => $"            {ValueFunction}(e.{c}, p_needles) AS new_{c}"));
        var changed = string.Join(
            "\n            OR ", // two to a line
            json.Chunk(2).Select(static pair => string.Join(" OR ", pair.Select(static c => $"r.new_{c} IS DISTINCT FROM r.{c}"))));
        var sets = string.Join(", ", json.Select(static c => $"{c} = c.new_{c}"));
        return $$"""
            CREATE FUNCTION {{ValueFunction}}(p_value jsonb, p_needles text[])
            RETURNS jsonb
            LANGUAGE plpgsql IMMUTABLE SET search_path = public, pg_temp
            AS $fn$
            DECLARE
                v_result jsonb;
            BEGIN
                CASE jsonb_typeof(p_value)
                    WHEN 'string' THEN
                        IF EXISTS (SELECT 1 FROM unnest(p_needles) n WHERE n <> '' AND strpos(p_value #>> '{}', n) > 0) THEN
                            RETURN to_jsonb('{{ErasureJson.Marker}}'::text);
                        END IF;
                        RETURN p_value;
                    WHEN 'object' THEN
                        SELECT coalesce(jsonb_object_agg(o.key, {{ValueFunction}}(o.value, p_needles)), '{}'::jsonb) INTO v_result
                        FROM jsonb_each(p_value) o;
                        RETURN v_result;
                    WHEN 'array' THEN
                        SELECT coalesce(jsonb_agg({{ValueFunction}}(a.value, p_needles) ORDER BY a.ord), '[]'::jsonb) INTO v_result
                        FROM jsonb_array_elements(p_value) WITH ORDINALITY a(value, ord);
                        RETURN v_result;
                    ELSE
                        RETURN p_value;
                END CASE;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{ValueSignature}} FROM PUBLIC;

            CREATE FUNCTION {{Function}}(p_tenant text, p_erasure uuid, p_needles text[], p_after bigint, p_limit integer)
            RETURNS bigint
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
            AS $fn$
            DECLARE
                v_last bigint;
            BEGIN
                SELECT max(s.seq) INTO v_last FROM (
                    SELECT e.seq FROM audit_events e
                    WHERE e.tenant_id = p_tenant AND e.seq > p_after AND {{candidate}}
                    ORDER BY e.seq LIMIT p_limit) s;
                IF v_last IS NULL THEN
                    RETURN NULL;
                END IF;

                WITH rewritten AS (
                    SELECT e.id, e.seq, e.hash, {{columns}},
            {{rewrites}}
                    FROM audit_events e
                    WHERE e.tenant_id = p_tenant AND e.seq > p_after AND e.seq <= v_last AND {{candidate}}
                ), changed AS (
                    SELECT * FROM rewritten r
                    WHERE {{changed}}
                ), updated AS (
                    UPDATE audit_events e SET
                        {{sets}}
                    FROM changed c
                    WHERE e.tenant_id = p_tenant AND e.id = c.id
                    RETURNING e.seq
                )
                INSERT INTO erasure_anchors (tenant_id, erasure_id, seq, original_hash, erased_at)
                SELECT p_tenant, p_erasure, c.seq, c.hash, now() FROM changed c WHERE c.hash IS NOT NULL
                ON CONFLICT DO NOTHING;
                RETURN v_last;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Signature}} FROM PUBLIC;
            """;
    }
}
