using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static AuditKit.Middleware.AuditEventText;

namespace AuditKit.Middleware;

/// <summary>
/// Reads who made a request (from the user's claims), for which tenant, from which address and with which user agent:
/// the one place the request's party is read, for its own event, its explicit events and its ambient context.
/// </summary>
internal sealed class RequestPartyReader(ILogger<RequestPartyReader> logger)
{
    public RequestParty Read(HttpContext context, AuditingPolicy policy)
    {
        string? userId = null, username = null, email = null, session = null, tenant = null, ip = null, agent = null;
        if (policy.Captures(AuditingFields.User))
        {
            ReadUser(context.User, policy, out userId, out username, out email, out session);
        }

        if (policy.TenantResolver is { } resolver)
        {
            try
            {
                tenant = Bound(resolver.ResolveTenant(context), AuditEventLimits.TenantId);
            }
            catch (Exception exception)
            {
                AuditingLog.TenantResolverFailed(logger, exception, resolver.GetType().Name);
            }
        }

        if (policy.Captures(AuditingFields.ClientIp))
        {
            ip = ClientIpOf(context.Connection.RemoteIpAddress);
        }

        if (policy.Captures(AuditingFields.UserAgent) && context.Request.Headers.UserAgent.ToString() is { Length: > 0 } userAgent)
        {
            agent = Bound(userAgent, policy.UserAgentMaxLength);
        }

        return new RequestParty(userId, username, email, session, tenant, ip, agent);
    }

    /// <summary>
    /// The connection's address. It is the client's own, or the one ASP.NET Core's forwarded-headers middleware took
    /// from <c>X-Forwarded-For</c> because the connection came from a known proxy; the header is never read here.
    /// </summary>
    internal static string? ClientIpOf(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private static void ReadUser(
        ClaimsPrincipal user,
        AuditingPolicy policy,
        out string? userId,
        out string? username,
        out string? email,
        out string? sessionId)
    {
        userId = username = email = sessionId = null;
        // One pass over the claims, keeping the best-ranked match of each list: FindFirst per claim type would walk
        // the claims (and allocate an enumerator) once per configured type.
        string? id = null, name = null, mail = null, session = null;
        int idRank = int.MaxValue, nameRank = int.MaxValue, emailRank = int.MaxValue, sessionRank = int.MaxValue;
        var authenticated = false;
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            authenticated = true;
            foreach (var claim in identity.Claims)
            {
                Rank(claim, policy.UserIdClaimTypes, ref id, ref idRank);
                Rank(claim, policy.UsernameClaimTypes, ref name, ref nameRank);
                Rank(claim, policy.UserEmailClaimTypes, ref mail, ref emailRank);
                Rank(claim, policy.SessionIdClaimTypes, ref session, ref sessionRank);
            }
        }

        if (!authenticated)
        {
            return;
        }

        userId = Bound(id, AuditEventLimits.UserId);
        username = Bound(name ?? user.Identity?.Name, AuditEventLimits.Username);
        email = Bound(mail, AuditEventLimits.UserEmail);
        sessionId = Bound(session, AuditEventLimits.SessionId);
    }

    private static void Rank(Claim claim, string[] types, ref string? value, ref int rank)
    {
        for (var i = 0; i < types.Length && i < rank; i++)
        {
            if (string.Equals(claim.Type, types[i], StringComparison.Ordinal) && claim.Value.Length > 0)
            {
                value = claim.Value;
                rank = i;
                return;
            }
        }
    }
}
