using AuditKit.Server.Admin;
using AuditKit.Server.Integrity;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/integrity</c>: verifies the tenant's hash chain on request (a form post, as the whole chain is
/// recomputed) through the API's own verification (<see cref="IntegrityEndpoints.VerifyCoreAsync"/>: the same check and
/// the same record of it, with the person as the reader), and shows the answer the API gives.
/// </summary>
internal sealed class IntegrityModel(AuditChainVerification verification, AdminAuditRecorder recorder) : ConsoleTenantPageModel
{
    /// <summary>The answer of the verification just run; null before one is asked for.</summary>
    public ChainVerificationResponse? Result { get; private set; }

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await IntegrityEndpoints.VerifyCoreAsync(HttpContext, Caller, TenantId, null, null, verification, recorder, cancellationToken);
        Result = ChainVerificationResponse.From(result);
        return Page();
    }
}
