using System.Security.Authentication;
using System.Security.Cryptography;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// The fixed reasons a webhook delivery fails with, as the delivery log shows them. Never the socket's or the TLS
/// stack's message: a tenant admin reads the log, and those messages would tell an open port from a closed one on
/// whatever host the URL names.
/// </summary>
internal static class WebhookFailureReason
{
    /// <summary>The host resolves to an address webhooks may not reach (<see cref="WebhookAddressPolicy"/>); nothing was sent.</summary>
    public const string RefusedAddress = "refused_address";

    /// <summary>The host could not be resolved or reached, or the connection broke before an answer.</summary>
    public const string ConnectFailed = "connect_failed";

    /// <summary>The TLS handshake failed (certificate or protocol).</summary>
    public const string TlsFailed = "tls_failed";

    /// <summary>No answer within <see cref="WebhookOptions.AttemptTimeout"/>.</summary>
    public const string Timeout = "timeout";

    /// <summary>The receiver answered a redirect (3xx); redirects are never followed, so the body is sent nowhere else.</summary>
    public const string RedirectRefused = "redirect_refused";

    /// <summary>The webhook was deleted before its delivery was sent.</summary>
    public const string WebhookDeleted = "webhook_deleted";

    /// <summary>The alert no longer exists (deleted by retention) when its delivery came up.</summary>
    public const string AlertDeleted = "alert_deleted";

    /// <summary>The signing secret could not be decrypted (the server's <c>SecretKey</c> changed).</summary>
    public const string SecretUnreadable = "secret_unreadable";

    /// <summary>The reason for a receiver's non-2xx answer: <c>http_&lt;status&gt;</c>, or <see cref="RedirectRefused"/> for a 3xx.</summary>
    public static string ForStatus(int status) =>
        status is >= 300 and < 400 ? RedirectRefused : "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The reason for a failed attempt's exception.</summary>
    public static string ForException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case WebhookAddressRefusedException:
                    return RefusedAddress;
                case CryptographicException when inner == exception:
                    return SecretUnreadable;
                case AuthenticationException:
                    return TlsFailed;
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return TlsFailed;
            }
        }

        return exception is HttpRequestException ? ConnectFailed : Timeout;
    }

    /// <summary>Whether the failure is final: a refused address is refused again on every retry.</summary>
    public static bool IsRefusedAddress(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookAddressRefusedException)
            {
                return true;
            }
        }

        return false;
    }
}
