using AuditKit.Server.Alerts;
using AuditKit.Server.Auth;
using AuditKit.Server.Detection;
using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/alerts/{id}</c>: one alert, its evidence events a click away, and — for a person whom the
/// API's triage policy allows — acknowledge / resolve with a note through <see cref="AlertTriage"/>, the alert API's
/// own path: a change someone else made first is a conflict, shown as a message with the alert as it now is.
/// </summary>
internal sealed class AlertModel(IAlertStore alerts, AlertTriage triage, IAuthorizationService authorization, ConsoleActivityRecorder activity)
    : ConsoleTenantPageModel
{
    public AlertResponse Alert { get; private set; } = null!;

    /// <summary>Whether the person may acknowledge and resolve alerts in this tenant (the API's triage policy).</summary>
    public bool CanTriage { get; private set; }

    /// <summary>The note as sent, kept in the form when the change was refused.</summary>
    public string? Note { get; private set; }

    /// <summary>Why the change was refused (a conflict), or null.</summary>
    public string? Conflict { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } alert)
        {
            return NotFound();
        }

        await ShowAsync(alert);
        await activity.RecordViewAsync(HttpContext, Caller, AlertsModel.ResourceType, alert.Id.ToString(), $"Viewed alert {alert.Id} ({alert.Rule}) in the console.", cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        string id, [FromForm(Name = "status")] string? status, [FromForm(Name = "note")] string? note, CancellationToken cancellationToken)
    {
        if (!await MayTriageAsync())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (await FindAsync(id, cancellationToken) is not { } before)
        {
            return NotFound();
        }

        Note = note;
        var target = AlertTriage.Target(status);
        if (target is null)
        {
            Errors["status"] = ["is required: acknowledged or resolved."];
        }

        var trimmed = AlertTriage.Note(note);
        if (trimmed is { Length: > AlertTriage.MaxNoteLength })
        {
            Errors["note"] = [$"must be at most {AlertTriage.MaxNoteLength} characters."];
        }

        if (Errors.Count > 0)
        {
            await ShowAsync(before);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await triage.ChangeAsync(HttpContext, Caller, before, target!.Value, trimmed, cancellationToken);
        switch (result)
        {
            case { Outcome: AlertTriageOutcome.Changed }:
                return RedirectToPage("/Alert", new { tenant = TenantId, id = before.Id });
            case { Outcome: AlertTriageOutcome.Conflict, Alert: { } current }:
                await ShowAsync(current);
                var (by, at) = current.Status == AlertStatus.Resolved ? (current.ResolvedBy, current.ResolvedAt) : (current.AcknowledgedBy, current.AcknowledgedAt);
                Conflict = $"This alert is already {AlertTriage.Name(current.Status)}"
                    + (by is null ? string.Empty : $" by {by}")
                    + (at is { } time ? $" at {time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : string.Empty)
                    + $"; it cannot become {AlertTriage.Name(target.Value)}. Nothing was changed.";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<AlertRow?> FindAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var alertId) ? await alerts.GetAsync(TenantId, alertId, cancellationToken) : null;

    private async Task ShowAsync(AlertRow alert)
    {
        Alert = AlertResponse.From(alert);
        CanTriage = await MayTriageAsync();
    }

    private async Task<bool> MayTriageAsync() =>
        PersonPrincipal.ForTenant(User, TenantId) is { } scoped
        && (await authorization.AuthorizeAsync(scoped, DetectionPolicies.TriageAlerts)).Succeeded;
}
