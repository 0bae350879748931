namespace AuditKit.Server.Detection;

/// <summary>Stored events as the window rules see them.</summary>
internal static class StoredRowWindows
{
    /// <summary>The row as a window event counting <paramref name="value"/> (null for plain counts).</summary>
    public static WindowEvent ToWindow(this StoredRow row, string? value = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Timestamp, row.Id, value, row.IsNew);
    }
}
