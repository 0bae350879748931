namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The SECURITY DEFINER function through which the runtime role erases a person's values (it has no UPDATE on
/// <c>audit_events</c>): <c>auditkit_erase_subject(tenant, subject, limit)</c> takes at most <c>limit</c> of the
/// tenant's events whose <c>user_id</c> is <c>subject</c> (in no set order), appends to their
/// <c>personal_digests</c> the digest of each personal field that has a value (field id u16 big-endian, then
/// SHA-256(salt || field id || UTF-8 value), as <see cref="AuditEventCanonicalForm.PersonalDigest"/> computes it), sets
/// the personal fields and the salt to NULL and returns how many events it changed. It computes the digests itself and
/// writes no other column, so a caller cannot use it to rewrite an event. Created by the migration <c>AddErasure</c>,
/// owned by the role that migrates.
/// </summary>
/// <remarks>
/// The personal fields are <see cref="ErasedFields.Personal"/>, the list SQLite's erasure follows. A database keeps the
/// function its migration created: a change to the list (or to this SQL) comes with a migration that replaces it.
/// </remarks>
internal static class ErasureSql
{
    public const string Function = "auditkit_erase_subject";

    public const string Signature = Function + "(text, text, integer)";

    public static string Create { get; } = Build();

    public const string Drop = $"DROP FUNCTION IF EXISTS {Signature};";

    private static string Build()
    {
        // Each personal field with a value appends its id (u16 big-endian) and SHA-256(salt || id || UTF-8 value).
        var digests = string.Join("\n", ErasedFields.Personal.Select(static p =>
        {
            var id = p.Id.ToString(CultureInfo.InvariantCulture) + "::smallint";
            return $"            || CASE WHEN {p.Column} IS NULL THEN ''::bytea ELSE int2send({id}) || sha256(coalesce(salt, ''::bytea) || int2send({id}) || convert_to({p.Column}, 'UTF8')) END";
        }));
        var nulls = string.Join(", ", ErasedFields.Personal.Select(static p => p.Column + " = NULL"));
        return $$"""
            CREATE FUNCTION {{Function}}(p_tenant text, p_subject text, p_limit integer)
            RETURNS integer
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
            AS $fn$
            DECLARE
                v_count integer;
            BEGIN
                UPDATE audit_events SET
                    personal_digests = coalesce(personal_digests, ''::bytea)
            {{digests}},
                    {{nulls}}, salt = NULL
                WHERE tenant_id = p_tenant AND id IN (
                    SELECT e.id FROM audit_events e WHERE e.tenant_id = p_tenant AND e.user_id = p_subject LIMIT p_limit);
                GET DIAGNOSTICS v_count = ROW_COUNT;
                RETURN v_count;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Signature}} FROM PUBLIC;
            """;
    }
}
