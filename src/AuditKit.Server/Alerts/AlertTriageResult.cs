namespace AuditKit.Server.Alerts;

/// <summary>The outcome of a triage request and the alert as it is afterwards (null when not found).</summary>
internal sealed record AlertTriageResult(AlertTriageOutcome Outcome, AlertRow? Alert);
