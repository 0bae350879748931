namespace AuditKit.Server.Console;

/// <summary>
/// An Admin page of one tenant that lists what the tenant has (keys, webhooks, console users) and changes it through
/// the API's own code: the listing on a GET, a creation or a refusal answered with the list, and a removal after a
/// confirmation answered by a redirect back to the list.
/// </summary>
internal abstract class ConsoleAdminListPageModel : ConsoleAdminPageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await ListAsync(cancellationToken);
        return Page();
    }

    /// <summary>Reads the page's list (and records the read as the API does).</summary>
    protected abstract Task ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The answer to a creation that holds a secret: the created <typeparamref name="T"/> shown on this answer only
    /// (never stored by the browser or a proxy), or why it was refused with the list.
    /// </summary>
    protected async Task<IActionResult> ShowCreatedOnceAsync<T>(IResult result, Action<T> show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(show);
        if (result is Created<T> { Value: { } created })
        {
            DoNotStore();
            show(created);
            return Page();
        }

        return await RefusedAsync(result, cancellationToken);
    }

    /// <summary>The answer to a refused change: why (<see cref="ConsoleAdminPageModel.ShowRefusal"/>) with the list.</summary>
    protected async Task<IActionResult> RefusedAsync(IResult result, CancellationToken cancellationToken)
    {
        ShowRefusal(result);
        await ListAsync(cancellationToken);
        return Page();
    }

    /// <summary>The answer to a removal: back to the list of <paramref name="pageName"/>, or 404 when nothing was removed.</summary>
    protected IActionResult Removed(IResult result, string pageName) =>
        result is NoContent ? RedirectToPage(pageName, new { tenant = TenantId }) : NotFound();
}
