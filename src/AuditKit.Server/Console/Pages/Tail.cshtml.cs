using System.Security.Claims;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/events/tail</c>: the tenant's newest events, and (<c>?handler=stream</c>) a server-sent event
/// stream of the events stored after them, which the page's one vendored script adds at the top of the table. The
/// stream is a handler of this page, so it is scoped and authorized exactly like every console page. It reads the
/// events after its position with the API's keyset cursor: through its tenant's feed (<see cref="ConsoleTailHub"/>,
/// one poll of the store every <see cref="ConsoleTailOptions.PollInterval"/> for all the tenant's tails) once it has
/// joined it, on its own until then. It stops when the client goes away, and one person holds at most
/// <see cref="ConsoleTailOptions.MaxConnectionsPerPerson"/> streams.
/// </summary>
internal sealed partial class TailModel(
    IAuditEventStore store,
    ConsoleActivityRecorder activity,
    ConsoleTailConnections connections,
    ConsoleTailHub hub,
    IOptions<ConsoleTailOptions> tailOptions,
    TimeProvider timeProvider,
    ILogger<TailModel> logger) : ConsoleTenantPageModel
{
    /// <summary>Events the page starts with, and the most one poll sends.</summary>
    public const int PageSize = 50;

    /// <summary>Rows the script keeps in the table.</summary>
    public const int MaxRows = 200;

    /// <summary>Seconds between reloads of the page when script does not run.</summary>
    public const int RefreshSeconds = 15;

    public IReadOnlyList<AuditEvent> Items { get; private set; } = [];

    /// <summary>The stream of the events after <see cref="Items"/>' newest.</summary>
    public string StreamUrl { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(TenantId, new AuditEventQuery { Limit = PageSize, IncludeTotal = false }, cancellationToken);
        Items = page.Items;
        StreamUrl = Url.Page("/Tail", "Stream", new { tenant = TenantId, after = Items.Count > 0 ? AuditCursorCodec.Encode(After(Items[0])) : null })!;
        ConsoleSecurityHeaders.AllowOwnScript(HttpContext);
        await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", "tail", "Viewed the live tail in the console.", cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetStreamAsync(string? after, CancellationToken cancellationToken)
    {
        // A reconnecting EventSource names the last event it received; that wins over the page's starting point.
        var token = Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId ? lastEventId : after;
        AuditCursor? cursor = null;
        if (!string.IsNullOrEmpty(token))
        {
            if (!AuditCursorCodec.TryDecode(token, out var decoded) || decoded.SortBy != AuditSortField.Timestamp || decoded.Descending
                || !AuditSortColumn.IsCursorValue(decoded.SortBy, decoded.Value))
            {
                return await ProblemAsync(ValidationErrors.InvalidQuery(new Dictionary<string, string[]> { ["after"] = ["must be a position the live tail gave (or left out)."] }));
            }

            cursor = decoded;
        }
        else
        {
            var newest = await store.QueryAsync(TenantId, new AuditEventQuery { Limit = 1, IncludeTotal = false }, cancellationToken);
            cursor = newest.Items.Count > 0 ? After(newest.Items[0]) : null;
        }

        var person = User.FindFirstValue(PersonClaimTypes.Person) ?? string.Empty;
        var tail = tailOptions.Value;
        if (!connections.TryOpen(person, tail.MaxConnectionsPerPerson))
        {
            return await ProblemAsync(TypedResults.Problem(
                $"At most {tail.MaxConnectionsPerPerson} live tails may be open at once; close one first.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many live tails."));
        }

        try
        {
            await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", "tail", "Opened the live tail's event stream in the console.", cancellationToken);
            HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            Response.ContentType = "text/event-stream; charset=utf-8";
            Response.Headers.CacheControl = "no-store";
            Response.Headers["X-Accel-Buffering"] = "no";
            await Response.WriteAsync("retry: 5000\n\n", cancellationToken);
            await Response.Body.FlushAsync(cancellationToken);
            LogTailOpened(logger, TenantId);
            ConsoleTailSubscription? subscription = null;
            try
            {
                // Behind the tenant's feed (or ahead of its last poll): read on our own until it knows our position.
                while (!hub.TryJoin(TenantId, cursor, out subscription))
                {
                    var page = await hub.ReadAsync(TenantId, cursor, cancellationToken);
                    cursor = await SendAsync(page, cursor, cancellationToken);
                    if (page.Count < ConsoleTailHub.PageSize)
                    {
                        await Task.Delay(tail.PollInterval, timeProvider, cancellationToken);
                    }
                }

                if (subscription.Backlog.Count > 0)
                {
                    cursor = await SendAsync(subscription.Backlog, cursor, cancellationToken);
                }

                await foreach (var page in subscription.Pages.ReadAllAsync(cancellationToken))
                {
                    cursor = await SendAsync(page, cursor, cancellationToken);
                }

                // The feed stopped, or dropped this tail for falling behind: the browser reconnects from its last event.
            }
            finally
            {
                subscription?.Dispose();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            connections.Close(person);
            LogTailClosed(logger, TenantId);
        }

        return new EmptyResult();
    }

    private static AuditCursor After(AuditEvent e) => ConsoleTailSubscription.After(e);

    /// <summary>
    /// Sends <paramref name="events"/> (a comment when there are none: the write notices a client that went away);
    /// the position after the last one sent.
    /// </summary>
    private async Task<AuditCursor?> SendAsync(IReadOnlyList<AuditEvent> events, AuditCursor? cursor, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            cursor = After(e);
            text.Append("id: ").Append(AuditCursorCodec.Encode(cursor)).Append('\n')
                .Append("event: audit\n")
                .Append("data: ").Append(JsonSerializer.Serialize(Describe(e), ConsoleJsonContext.Default.ConsoleTailEvent)).Append("\n\n");
        }

        await Response.WriteAsync(text.Length > 0 ? text.ToString() : ": idle\n\n", cancellationToken);
        await Response.Body.FlushAsync(cancellationToken);
        return cursor;
    }

    private ConsoleTailEvent Describe(AuditEvent e) => new(
        e.Id,
        e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        e.Action,
        e.Username ?? e.UserId,
        $"{e.ResourceType} {e.ResourceId}".Trim(),
        e.Status.ToString().ToUpperInvariant(),
        e.Severity.ToString().ToUpperInvariant(),
        e.Description,
        Url.Page("/EventDetail", new { tenant = TenantId, id = e.Id })!);

    private async Task<IActionResult> ProblemAsync(IResult problem)
    {
        await problem.ExecuteAsync(HttpContext);
        return new EmptyResult();
    }

    [LoggerMessage(EventId = 940, Level = LogLevel.Debug, Message = "A live tail of tenant {TenantId} opened.")]
    private static partial void LogTailOpened(ILogger logger, string tenantId);

    [LoggerMessage(EventId = 941, Level = LogLevel.Debug, Message = "A live tail of tenant {TenantId} closed.")]
    private static partial void LogTailClosed(ILogger logger, string tenantId);
}
