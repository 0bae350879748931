using Microsoft.AspNetCore.TestHost;

namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// The server as the tests host it (a test host): the bootstrap admin key, a retention job that deletes nothing a test
/// did not ask it to (RetentionTests), the test's settings on top, the test's clock, and what else a test puts in.
/// </summary>
internal static class TestServerHost
{
    /// <summary>
    /// Detection passes are paced by the server's clock, which is fake here: unpaced unless a test asks for it
    /// (DetectionPacingTests).
    /// </summary>
    public static readonly KeyValuePair<string, string?> UnpacedDetection = new("AuditKit:Detection:PassInterval", "00:00:00");

    /// <summary>A client of <paramref name="factory"/> sending <paramref name="apiKey"/> as a bearer token (none when null).</summary>
    public static HttpClient CreateBearerClient(this WebApplicationFactory<Program> factory, string? apiKey)
    {
        var client = factory.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>
    /// A host in <paramref name="environment"/> with <paramref name="settings"/> (later ones win) and
    /// <paramref name="time"/> (the system clock when null); its log kept by the fake logger when <paramref name="fakeLogging"/>, and
    /// <paramref name="services"/> changing its services after the server's own.
    /// </summary>
    public static WebApplicationFactory<Program> Create(
        IEnumerable<KeyValuePair<string, string?>> settings,
        TimeProvider? time = null,
        string environment = "Testing",
        bool fakeLogging = false,
        Action<IServiceCollection>? services = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("AuditKit:BootstrapAdminKey", AuditKitServerFixture.BootstrapKey);
            builder.UseSetting("AuditKit:Retention:Days", "0");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (fakeLogging)
            {
                builder.ConfigureLogging(static logging => logging.AddFakeLogging());
            }

            builder.ConfigureTestServices(collection =>
            {
                if (time is not null)
                {
                    collection.AddSingleton<TimeProvider>(time);
                }

                services?.Invoke(collection);
            });
        });
}
