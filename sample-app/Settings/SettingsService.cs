using System.Text.Json.Nodes;
using AuditKit.Middleware;
using AuditKit.SampleApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Settings;

/// <summary>
/// Changes application settings and logs each change at the service layer, where the old and new value are known
/// (explicit business events, next to the request's own event).
/// </summary>
public sealed class SettingsService(SampleDbContext db, IAuditLogger audit)
{
    public Task<List<AppSetting>> ListAsync(CancellationToken cancellationToken) =>
        db.Settings.AsNoTracking().OrderBy(s => s.Key).ToListAsync(cancellationToken);

    public async Task<AppSetting?> ChangeAsync(string key, string value, CancellationToken cancellationToken)
    {
        var setting = await db.Settings.SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (setting is null)
        {
            return null;
        }

        var previous = setting.Value;
        setting.Value = value;
        await db.SaveChangesAsync(cancellationToken);

        audit.Log(
            AuditActions.SettingChange,
            resourceType: "Setting",
            resourceId: key,
            details: new JsonObject { ["operation"] = "setting_change" },
            oldValues: new JsonObject { [key] = previous },
            newValues: new JsonObject { [key] = value },
            description: $"Setting {key} changed");
        return setting;
    }
}
