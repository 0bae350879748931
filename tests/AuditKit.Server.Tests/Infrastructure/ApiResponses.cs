namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>Reading the server's answers in tests.</summary>
internal static class ApiResponses
{
    public static async Task<AuditEvent> ReadEventAsync(this HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        return (await response.Content.ReadFromJsonAsync<AuditEvent>(AuditKitServerFixture.Json))!;
    }

    public static async Task<AuditBatchResult> ReadBatchResultAsync(this HttpResponseMessage response)
    {
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AuditBatchResult>(AuditKitServerFixture.Json))!;
    }

    internal static async Task<AuditEventListResponse> ReadPageAsync(this HttpResponseMessage response)
    {
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AuditEventListResponse>(AuditKitServerFixture.Json))!;
    }

    /// <summary>Asserts a 200 and returns the <c>items</c> array of the answer (a batch result's or a page's).</summary>
    public static async Task<System.Text.Json.Nodes.JsonArray> ReadItemsAsync(this HttpResponseMessage response)
    {
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray();
    }

    /// <summary>Asserts a problem details answer with <paramref name="status"/>; returns its JSON.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        await response.ShouldHaveStatusAsync(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement.Clone();
        root.GetProperty("status").GetInt32().ShouldBe((int)status);
        return root;
    }

    /// <summary>Asserts a 400 problem whose <c>errors</c> map names exactly <paramref name="fields"/>.</summary>
    public static async Task<JsonElement> ShouldBeValidationProblemAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue($"no errors map in {problem}");
        errors.EnumerateObject().Select(static p => p.Name).ShouldBe(fields, ignoreOrder: true);
        return errors;
    }

    /// <summary>The answer of <c>GET /api/v1/integrity/verify</c> (and <paramref name="query"/>) to <paramref name="read"/>, which must be 200.</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> VerifyAsync(this HttpClient read, string query = "")
    {
        var response = await read.GetAsync("/api/v1/integrity/verify" + query);
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public static async Task ShouldHaveStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(status, $"body: {body}");
        }
    }
}
