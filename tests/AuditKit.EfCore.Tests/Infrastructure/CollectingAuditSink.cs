using System.Collections.Concurrent;

namespace AuditKit.EfCore.Tests.Infrastructure;

/// <summary>
/// An in-memory <see cref="IAuditSink"/> that keeps what it is given. Every event is checked against the contract
/// (validator and source-generated serializer) on the way in, so a test also fails on a malformed event.
/// </summary>
public sealed class CollectingAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();
    private readonly ConcurrentQueue<string> _contractViolations = new();

    public bool Accept { get; set; } = true;

    public IReadOnlyList<AuditEvent> Events => [.. _events];

    public IReadOnlyList<string> ContractViolations => [.. _contractViolations];

    public bool TryWrite(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        foreach (var error in AuditEventValidator.Validate(auditEvent))
        {
            _contractViolations.Enqueue($"{error.Field}: {error.Message}");
        }

        // Round-trip through the wire format the delivery pipeline uses.
        var json = JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent);
        if (JsonSerializer.Deserialize(json, AuditJsonContext.Default.AuditEvent) is null)
        {
            _contractViolations.Enqueue("event did not round-trip");
        }

        if (!Accept)
        {
            return false;
        }

        _events.Enqueue(auditEvent);
        return true;
    }

    public void Clear() => _events.Clear();
}
