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
internal static class ErasureSql
{
    public const string Function = "auditkit_erase_subject";

    public const string Signature = Function + "(text, text, integer)";

    public const string Create =
        $$"""
        CREATE FUNCTION {{Function}}(p_tenant text, p_subject text, p_limit integer)
        RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_count integer;
        BEGIN
            UPDATE audit_events SET
                personal_digests = coalesce(personal_digests, ''::bytea)
                    || CASE WHEN user_id IS NULL THEN ''::bytea ELSE int2send(12::smallint) || sha256(coalesce(salt, ''::bytea) || int2send(12::smallint) || convert_to(user_id, 'UTF8')) END
                    || CASE WHEN username IS NULL THEN ''::bytea ELSE int2send(13::smallint) || sha256(coalesce(salt, ''::bytea) || int2send(13::smallint) || convert_to(username, 'UTF8')) END
                    || CASE WHEN user_email IS NULL THEN ''::bytea ELSE int2send(14::smallint) || sha256(coalesce(salt, ''::bytea) || int2send(14::smallint) || convert_to(user_email, 'UTF8')) END
                    || CASE WHEN ip_address IS NULL THEN ''::bytea ELSE int2send(25::smallint) || sha256(coalesce(salt, ''::bytea) || int2send(25::smallint) || convert_to(ip_address, 'UTF8')) END
                    || CASE WHEN user_agent IS NULL THEN ''::bytea ELSE int2send(26::smallint) || sha256(coalesce(salt, ''::bytea) || int2send(26::smallint) || convert_to(user_agent, 'UTF8')) END,
                user_id = NULL, username = NULL, user_email = NULL, ip_address = NULL, user_agent = NULL, salt = NULL
            WHERE tenant_id = p_tenant AND id IN (
                SELECT e.id FROM audit_events e WHERE e.tenant_id = p_tenant AND e.user_id = p_subject LIMIT p_limit);
            GET DIAGNOSTICS v_count = ROW_COUNT;
            RETURN v_count;
        END
        $fn$;
        REVOKE ALL ON FUNCTION {{Signature}} FROM PUBLIC;
        """;

    public const string Drop = $"DROP FUNCTION IF EXISTS {Signature};";
}
