using AuditKit.Server.Webhooks;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/admin/webhooks</c>: the tenant's alert webhooks through the webhook API's own code — the
/// listing (its read recorded), creation (the signing secret on the answer to the form post only, never again) and
/// deletion after a confirmation — each recorded with the person as the actor.
/// </summary>
internal sealed class AdminWebhooksModel(WebhookServices services) : ConsoleAdminListPageModel
{
    public IReadOnlyList<WebhookResponse> Webhooks { get; private set; } = [];

    /// <summary>The webhook just created with its secret, shown on this answer only.</summary>
    public WebhookCreatedResponse? Created { get; private set; }

    /// <summary>The webhook the person is asked to confirm the deletion of.</summary>
    public WebhookResponse? ToDelete { get; private set; }

    [BindProperty]
    public string? WebhookUrl { get; set; }

    [BindProperty]
    public string? MinimumSeverity { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var answer = await WebhookEndpoints.CreateCoreAsync(
            HttpContext, Caller, TenantId, new CreateWebhookRequest(WebhookUrl, MinimumSeverity, Description), services, cancellationToken);
        return await ShowCreatedOnceAsync<WebhookCreatedResponse>(answer.Result, created => Created = created, cancellationToken);
    }

    public async Task<IActionResult> OnPostConfirmDeleteAsync(string? id, CancellationToken cancellationToken)
    {
        var row = Guid.TryParse(id, out var webhookId) ? await services.Webhooks.GetAsync(TenantId, webhookId, cancellationToken) : null;
        if (row is null)
        {
            return NotFound();
        }

        ToDelete = WebhookResponse.From(row);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id, CancellationToken cancellationToken)
    {
        var answer = await WebhookEndpoints.DeleteCoreAsync(HttpContext, Caller, TenantId, id ?? string.Empty, services.Webhooks, services.Recorder, services.LoggerFactory, cancellationToken);
        return Removed(answer.Result, "/AdminWebhooks");
    }

    protected override async Task ListAsync(CancellationToken cancellationToken) =>
        Webhooks = (await WebhookEndpoints.ListCoreAsync(HttpContext, Caller, TenantId, services.Recorder, services.Webhooks, cancellationToken)).Items;
}
