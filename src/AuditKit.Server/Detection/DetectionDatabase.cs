using System.Data.Common;
using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuditKit.Server.Detection;

/// <summary>Connections to the configured store for the SQL detection and webhook delivery write by hand.</summary>
internal sealed class DetectionDatabase(IServiceProvider services, IOptions<AuditStorageOptions> options)
{
    private bool IsPostgres => options.Value.Provider == AuditStorageProvider.Postgres;

    public DetectionSql Sql => IsPostgres ? DetectionSql.Postgres : DetectionSql.Sqlite;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => IsPostgres
        ? await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
        : await services.GetRequiredService<SqliteStorageConnection>().OpenAsync(cancellationToken).ConfigureAwait(false);
}
