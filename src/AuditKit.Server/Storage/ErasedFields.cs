namespace AuditKit.Server.Storage;

/// <summary>
/// What an erasure changes in a stored event, the one list both providers follow: the SQLite path
/// (<see cref="RelationalErasureStore"/>) reads and writes these columns, and the SQL of PostgreSQL's functions
/// (<see cref="Postgres.ErasureSql"/>, <see cref="Postgres.ErasureJsonSql"/>) is built from them.
/// </summary>
internal static class ErasedFields
{
    /// <summary>
    /// The personal fields of the canonical form (id and column), in the order their digests are appended: each one
    /// with a value leaves its digest in <c>personal_digests</c> and is set to NULL (and the salt with them).
    /// </summary>
    public static IReadOnlyList<(ushort Id, string Column)> Personal { get; } =
        [.. AuditEventCanonicalForm.Fields.Where(static f => f.Kind == "personal").Select(static f => (f.Id, f.Name))];

    /// <summary>The JSON fields whose string values that name the subject become <see cref="ErasureJson.Marker"/>.</summary>
    public static IReadOnlyList<string> Json { get; } = ["metadata", "old_values", "new_values", "changes"];
}
