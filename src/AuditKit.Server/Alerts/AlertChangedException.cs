namespace AuditKit.Server.Alerts;

/// <summary>
/// Thrown inside the transaction of an alert's status change when the alert is no longer in the status the change was
/// decided on (another change won): it rolls the transaction back, so neither the change nor its audit record is stored.
/// </summary>
internal sealed class AlertChangedException : Exception
{
    public AlertChangedException()
        : base("The alert's status changed since it was read.")
    {
    }

    public AlertChangedException(string message)
        : base(message)
    {
    }

    public AlertChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
