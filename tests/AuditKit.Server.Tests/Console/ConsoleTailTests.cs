namespace AuditKit.Server.Tests.Console;

/// <summary>The live tail: its page, and its server-sent event stream polled on the server's (fake) clock.</summary>
public sealed partial class ConsoleTailTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task The_stream_sends_events_stored_after_it_opened_and_never_another_tenants()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        await server.IngestOneAsync(mine, new { action = "UPDATE", resource_type = "Invoice", resource_id = "before-1" });
        var (client, user) = await SignedInClientAsync(mine);
        using var owned = client;

        using var stream = await client.GetAsync($"/console/{mine.Id}/events/tail?handler=stream", HttpCompletionOption.ResponseHeadersRead);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());

        await server.IngestOneAsync(other, new { action = "UPDATE", resource_type = "Invoice", resource_id = "secret-of-other" });
        var wanted = await server.IngestOneAsync(mine, new { action = "DELETE", resource_type = "Invoice", resource_id = "after-1", description = "invoice removed" });

        var received = await ReadUntilAsync(reader, wanted.ToString());
        received.ShouldNotContain("secret-of-other");
        received.ShouldNotContain("before-1");
        var data = DataLine().Matches(received).Select(static m => JsonDocument.Parse(m.Groups[1].Value).RootElement).ToList();
        var sent = data.Single(d => d.GetProperty("id").GetGuid() == wanted);
        sent.GetProperty("action").GetString().ShouldBe("DELETE");
        sent.GetProperty("resource").GetString().ShouldBe("Invoice after-1");
        sent.GetProperty("url").GetString().ShouldBe($"/console/{mine.Id}/events/{wanted}");
        received.ShouldContain("event: audit");
        received.ShouldContain("id: ");

        // Opening the stream is recorded under the person.
        using var read = server.CreateClient(mine.ReadKey);
        using var list = JsonDocument.Parse(await read.GetStringAsync($"/api/v1/audit-logs?user_id=local:{user}&action=READ"));
        list.RootElement.GetProperty("items").EnumerateArray().ShouldContain(e => e.GetProperty("resource_id").GetString() == "tail");
    }

    [Fact]
    public async Task The_page_lists_the_newest_events_and_runs_only_its_own_pinned_script()
    {
        var tenant = await server.CreateTenantAsync();
        var id = await server.IngestOneAsync(tenant, new { action = "EXPORT", resource_type = "Payroll", description = "payroll exported" });
        var (client, _) = await SignedInClientAsync(tenant);
        using var owned = client;

        var page = await client.GetAsync($"/console/{tenant.Id}/events/tail");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self';");
        csp.ShouldNotContain("unsafe-inline");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain($"<tr data-id=\"{id}\">");
        html.ShouldContain("payroll exported");
        html.ShouldContain("<noscript><meta http-equiv=\"refresh\"");
        var script = ScriptTag().Match(html);
        script.Success.ShouldBeTrue();
        html.ShouldNotContain("<script>");
        var stream = WebUtility.HtmlDecode(StreamAttribute().Match(html).Groups[1].Value);
        stream.ShouldStartWith($"/console/{tenant.Id}/events/tail?");
        stream.ShouldContain("handler=Stream");
        stream.ShouldContain("after=");

        var js = await client.GetAsync(WebUtility.HtmlDecode(script.Groups[1].Value));
        js.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        var integrity = "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(await js.Content.ReadAsByteArrayAsync()));
        WebUtility.HtmlDecode(script.Groups[2].Value).ShouldBe(integrity);

        // Every other console page still runs no script at all.
        (await client.GetAsync($"/console/{tenant.Id}/events")).Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'none'");
    }

    [Fact]
    public async Task A_foreign_tenants_tail_is_404_a_bad_position_400_and_a_person_holds_at_most_three_streams()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var (client, _) = await SignedInClientAsync(mine);
        using var owned = client;

        (await client.GetAsync($"/console/{other.Id}/events/tail")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/console/{other.Id}/events/tail?handler=stream", HttpCompletionOption.ResponseHeadersRead)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var bad = await client.GetAsync($"/console/{mine.Id}/events/tail?handler=stream&after=not-a-cursor");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("\"after\"");

        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var response = await client.GetAsync($"/console/{mine.Id}/events/tail?handler=stream", HttpCompletionOption.ResponseHeadersRead);
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
                open.Add(response);
            }

            var fourth = await client.GetAsync($"/console/{mine.Id}/events/tail?handler=stream", HttpCompletionOption.ResponseHeadersRead);
            fourth.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

            // Closing one frees its place once the server sees the client gone.
            open[0].Dispose();
            open.RemoveAt(0);
            HttpResponseMessage? again = null;
            for (var attempt = 0; attempt < 100 && again?.StatusCode != HttpStatusCode.OK; attempt++)
            {
                again?.Dispose();
                server.Time.Advance(TimeSpan.FromSeconds(3));
                await Task.Delay(50);
                again = await client.GetAsync($"/console/{mine.Id}/events/tail?handler=stream", HttpCompletionOption.ResponseHeadersRead);
            }

            again!.StatusCode.ShouldBe(HttpStatusCode.OK);
            open.Add(again);
        }
        finally
        {
            open.ForEach(static r => r.Dispose());
        }
    }

    [Fact]
    public async Task Tails_of_one_tenant_share_one_poll_per_interval_and_each_gets_every_new_event_once()
    {
        var tenant = await server.CreateTenantAsync();
        await server.IngestOneAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", resource_id = "before" });
        var (client, _) = await SignedInClientAsync(tenant);
        using var owned = client;
        using var queries = new MetricCollector<long>(
            server.Factory.Services.GetRequiredService<IMeterFactory>(), ConsoleTailHub.MeterName, "auditkit.console.tail.queries");

        using var first = await OpenStreamAsync(client, tenant);
        using var second = await OpenStreamAsync(client, tenant);
        await ReadBlocksAsync(first.Reader, 1);
        await ReadBlocksAsync(second.Reader, 1);
        var before = queries.GetMeasurementSnapshot().Sum(static m => m.Value);

        const int Polls = 8;
        await ReadBlocksAsync(first.Reader, Polls);
        await ReadBlocksAsync(second.Reader, Polls);
        var made = queries.GetMeasurementSnapshot().Sum(static m => m.Value) - before;

        // One query per poll for both tails, not one per tail (give or take the polls under way or already read
        // while the measurement started and ended, and a read or two of the second tail before it joined the feed;
        // a query per tail makes 2 × Polls and more).
        made.ShouldBeInRange(Polls - 3, Polls + 4);

        var wanted = await server.IngestOneAsync(tenant, new { action = "DELETE", resource_type = "Invoice", resource_id = "after" });
        var one = await ReadUntilAsync(first.Reader, wanted.ToString());
        var two = await ReadUntilAsync(second.Reader, wanted.ToString());
        EventIds(one).ShouldBe([wanted]);
        EventIds(two).ShouldBe([wanted]);
    }

    [Fact]
    public async Task A_tail_joining_behind_the_feed_gets_the_events_it_missed_once_each_then_the_new_ones()
    {
        var tenant = await server.CreateTenantAsync();
        var older = await server.IngestOneAsync(tenant, new { action = "READ", resource_type = "Invoice", resource_id = "older" });
        var start = await server.IngestOneAsync(tenant, new { action = "READ", resource_type = "Invoice", resource_id = "start" });
        var (client, _) = await SignedInClientAsync(tenant);
        using var owned = client;

        // The first tail starts the tenant's feed at the newest event; three more are stored and read by the feed.
        using var first = await OpenStreamAsync(client, tenant);
        var e1 = await server.IngestOneAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", resource_id = "e1" });
        var e2 = await server.IngestOneAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", resource_id = "e2" });
        var e3 = await server.IngestOneAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", resource_id = "e3" });
        var seen = await ReadUntilAsync(first.Reader, e3.ToString());
        EventIds(seen).ShouldBe([e1, e2, e3]);

        // A tail at e1 (a position the feed remembers) joins at once with e2 and e3; a tail further back, at the
        // event before the feed's start, reads on its own up to the feed's start and then joins it.
        using var fromHistory = await OpenStreamAsync(client, tenant, after: await CursorOfAsync(tenant, e1));
        using var fromBehind = await OpenStreamAsync(client, tenant, after: await CursorOfAsync(tenant, older));
        var e4 = await server.IngestOneAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", resource_id = "e4" });

        EventIds(await ReadUntilAsync(fromHistory.Reader, e4.ToString())).ShouldBe([e2, e3, e4]);
        EventIds(await ReadUntilAsync(fromBehind.Reader, e4.ToString())).ShouldBe([start, e1, e2, e3, e4]);
        EventIds(await ReadUntilAsync(first.Reader, e4.ToString())).ShouldBe([e4]);
    }

    [Fact]
    public async Task The_feed_stops_once_its_last_tail_has_gone()
    {
        var tenant = await server.CreateTenantAsync();
        var (client, _) = await SignedInClientAsync(tenant);
        using var owned = client;
        var hub = server.Factory.Services.GetRequiredService<ConsoleTailHub>();

        var stream = await OpenStreamAsync(client, tenant);
        await ReadBlocksAsync(stream.Reader, 1);
        hub.IsRunning(tenant.Id).ShouldBeTrue();
        stream.Dispose();

        for (var attempt = 0; attempt < 100 && hub.IsRunning(tenant.Id); attempt++)
        {
            server.Time.Advance(TimeSpan.FromSeconds(3));
            await Task.Delay(50);
        }

        hub.IsRunning(tenant.Id).ShouldBeFalse();
    }

    /// <summary>Opens a live tail stream of <paramref name="tenant"/> (from <paramref name="after"/>, else from the newest event).</summary>
    private static async Task<OpenStream> OpenStreamAsync(HttpClient client, TestTenant tenant, string? after = null)
    {
        var url = $"/console/{tenant.Id}/events/tail?handler=stream" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return new OpenStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The live tail's position just after the stored event <paramref name="id"/>, as its stream names it.</summary>
    private async Task<string> CursorOfAsync(TestTenant tenant, Guid id)
    {
        using var read = server.CreateClient(tenant.ReadKey);
        var stored = await (await read.GetAsync($"/api/v1/audit-logs/{id}")).ReadEventAsync();
        return AuditCursorCodec.Encode(ConsoleTailSubscription.After(stored));
    }

    /// <summary>Reads <paramref name="count"/> blocks (events or heartbeats, each ended by a blank line), moving the clock past each poll.</summary>
    private async Task<List<string>> ReadBlocksAsync(StreamReader reader, int count)
    {
        var blocks = new List<string>();
        var block = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pending = reader.ReadLineAsync(timeout.Token).AsTask();
        while (blocks.Count < count)
        {
            if (await Task.WhenAny(pending, Task.Delay(100, timeout.Token)) != pending)
            {
                server.Time.Advance(TimeSpan.FromSeconds(3));
                continue;
            }

            var line = await pending;
            if (line is { Length: 0 })
            {
                if (block.Length > 0 && !block.ToString().StartsWith("retry:", StringComparison.Ordinal))
                {
                    blocks.Add(block.ToString());
                }

                block.Clear();
            }
            else
            {
                block.Append(line).Append('\n');
            }

            if (blocks.Count < count)
            {
                pending = reader.ReadLineAsync(timeout.Token).AsTask();
            }
        }

        return blocks;
    }

    /// <summary>
    /// The ids of the invoice events in <paramref name="received"/> (the tests' own; the server's records of streams
    /// opened and of audit log reads go by too).
    /// </summary>
    private static List<Guid> EventIds(string received) =>
        [.. DataLine().Matches(received)
            .Select(static m => JsonDocument.Parse(m.Groups[1].Value).RootElement)
            .Where(static e => e.GetProperty("resource").GetString()!.StartsWith("Invoice ", StringComparison.Ordinal))
            .Select(static e => e.GetProperty("id").GetGuid())];

    private sealed record OpenStream(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }

    /// <summary>Reads the stream, moving the server's clock past each poll, until <paramref name="text"/> arrives (20 s at most).</summary>
    private async Task<string> ReadUntilAsync(StreamReader reader, string text)
    {
        var received = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pending = reader.ReadLineAsync(timeout.Token).AsTask();
        while (true)
        {
            if (await Task.WhenAny(pending, Task.Delay(100, timeout.Token)) != pending)
            {
                server.Time.Advance(TimeSpan.FromSeconds(3));
                continue;
            }

            received.Append(await pending).Append('\n');
            if (received.ToString().Contains(text, StringComparison.Ordinal))
            {
                break;
            }

            // The next read only when one is wanted: the reader serves one read at a time, and the caller may read on.
            pending = reader.ReadLineAsync(timeout.Token).AsTask();
        }

        return received.ToString();
    }

    private async Task<(HttpClient Client, string User)> SignedInClientAsync(TestTenant tenant)
    {
        var user = ConsoleSignInTests.Unique("tara");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).EnsureSuccessStatusCode();
        var client = server.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });
        var html = await client.GetStringAsync("/console/sign-in");
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        var signIn = await client.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = user,
            ["password"] = Password,
            ["__RequestVerificationToken"] = token,
        }));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return (client, user);
    }

    [GeneratedRegex("^data: (.+)$", RegexOptions.Multiline)]
    private static partial Regex DataLine();

    [GeneratedRegex("<script src=\"([^\"]+)\" integrity=\"([^\"]+)\" defer></script>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("data-stream=\"([^\"]+)\"")]
    private static partial Regex StreamAttribute();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
