namespace AuditKit.Server.Storage;

/// <summary>The database behind the stores.</summary>
internal enum AuditStorageProvider
{
    /// <summary>The embedded SQLite file (the default when no PostgreSQL connection string is configured).</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL, through one <see cref="Npgsql.NpgsqlDataSource"/>.</summary>
    Postgres = 1,
}
