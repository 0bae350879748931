using System.Globalization;
using System.Text;
using AuditKit.Server.Detection;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Queues a delivery of every newly raised alert to each of the tenant's webhooks whose minimum severity it reaches,
/// in the transaction that raised it: an alert is never raised without its deliveries, nor delivered without existing.
/// </summary>
internal static class WebhookOutbox
{
    /// <summary>Queues the deliveries; returns how many were queued.</summary>
    public static async Task<int> EnqueueAsync(DetectionPass pass, IReadOnlyList<WrittenAlert> raised, CancellationToken cancellationToken)
    {
        if (raised.Count == 0)
        {
            return 0;
        }

        var hooks = new List<(Guid Id, string Url, AuditSeverity Minimum)>();
        await using (var select = pass.CreateCommand(string.Empty))
        {
            select.CommandText =
                $"SELECT id, url, minimum_severity FROM {DetectionModel.WebhooksTable} WHERE tenant_id = {DetectionPass.Add(select, "t", pass.TenantId)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hooks.Add((pass.Sql.Values.ReadId(reader, 0), reader.GetString(1), (AuditSeverity)reader.GetInt16(2)));
            }
        }

        var deliveries = raised.SelectMany(a => hooks.Where(h => a.Match.Severity >= h.Minimum).Select(h => (Alert: a.Id, Hook: h))).ToList();
        foreach (var chunk in deliveries.Chunk(200))
        {
            await using var insert = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(insert, "t", pass.TenantId);
            var now = DetectionPass.Add(insert, "now", pass.Sql.Values.TimeValue(pass.Now));
            var values = new StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                values.Append(i == 0 ? string.Empty : ", ").Append(
                    $"({tenant}, {DetectionPass.Add(insert, "id" + n, pass.Sql.Values.IdValue(Guid.CreateVersion7(pass.Now)))}, " +
                    $"{DetectionPass.Add(insert, "w" + n, pass.Sql.Values.IdValue(chunk[i].Hook.Id))}, {DetectionPass.Add(insert, "a" + n, pass.Sql.Values.IdValue(chunk[i].Alert))}, " +
                    $"{DetectionPass.Add(insert, "u" + n, chunk[i].Hook.Url)}, 0, 0, {now}, {now})");
            }

            insert.CommandText =
                $"INSERT INTO {DetectionModel.DeliveriesTable} (tenant_id, id, webhook_id, alert_id, url, status, attempts, created_at, next_attempt_at) VALUES {values}";
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return deliveries.Count;
    }
}
