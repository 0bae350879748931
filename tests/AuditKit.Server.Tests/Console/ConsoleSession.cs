namespace AuditKit.Server.Tests.Console;

/// <summary>A browser-like client of the console: HTTPS (the cookies are Secure), cookies kept, redirects not followed.</summary>
internal sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient _client;

    public ConsoleSession(AuditKitServerFixture server)
    {
        _client = server.Factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    /// <summary>Posts the sign-in form with the token of a freshly read sign-in page.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string username, string password)
    {
        var token = await ReadTokenAsync("/console/sign-in");
        return await PostFormAsync("/console/sign-in", new() { ["username"] = username, ["password"] = password, ["__RequestVerificationToken"] = token });
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        _client.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>The antiforgery token of the form on <paramref name="path"/>.</summary>
    public async Task<string> ReadTokenAsync(string path)
    {
        var html = await (await _client.GetAsync(path)).Content.ReadAsStringAsync();
        return TokenPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery token on {path}.");
    }

    /// <summary>The console user this session was opened for by <see cref="ForNewUserAsync"/>.</summary>
    public string User { get; private init; } = string.Empty;

    /// <summary>
    /// A session, not signed in yet, of a new console user (a unique name from <paramref name="name"/>,
    /// <paramref name="password"/>) holding <paramref name="role"/> in <paramref name="tenantId"/>.
    /// </summary>
    public static async Task<ConsoleSession> ForNewUserAsync(AuditKitServerFixture server, string tenantId, string name, string password, string role)
    {
        var user = ConsoleSignInTests.Unique(name);
        (await CreateUserAsync(server, tenantId, user, password, role)).EnsureSuccessStatusCode();
        return new ConsoleSession(server) { User = user };
    }

    /// <summary>
    /// A session of a new console user (a unique name from <paramref name="name"/>, else from the role;
    /// <paramref name="password"/>) holding <paramref name="role"/> in <paramref name="tenantId"/>, signed in.
    /// </summary>
    public static async Task<ConsoleSession> SignInNewUserAsync(AuditKitServerFixture server, string tenantId, string role, string password, string? name = null)
    {
        var session = await ForNewUserAsync(server, tenantId, name ?? role, password, role);
        (await session.SignInAsync(session.User, password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return session;
    }

    /// <summary>The page at <paramref name="path"/>, which must answer 200.</summary>
    public async Task<string> ReadPageAsync(string path)
    {
        var response = await _client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Creates a console user with the bootstrap key.</summary>
    public static async Task<HttpResponseMessage> CreateUserAsync(AuditKitServerFixture server, string tenantId, string username, string? password, string role, string? key = null)
    {
        using var admin = server.CreateClient(key ?? AuditKitServerFixture.BootstrapKey);
        return await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/console-users", new { username, password, role });
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
