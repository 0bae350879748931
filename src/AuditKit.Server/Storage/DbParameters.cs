namespace AuditKit.Server.Storage;

/// <summary>The one way the server's hand-written SQL binds a value, for both providers.</summary>
internal static class DbParameters
{
    /// <summary>
    /// Adds the parameter <paramref name="name"/> (with its <c>@</c>) holding <paramref name="value"/> (null as SQL
    /// NULL) to <paramref name="command"/>; returns the name, to write into the SQL text.
    /// </summary>
    public static string Add(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return name;
    }
}
