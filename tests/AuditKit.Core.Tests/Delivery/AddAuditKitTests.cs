using Microsoft.Extensions.Hosting;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>The registration surface: binding, validation at start-up, idempotency and overridability.</summary>
public sealed class AddAuditKitTests : IDisposable
{
    private static readonly Uri s_server = new("http://127.0.0.1:1");
    private readonly TempDirectory _spool = new("auditkit-spool");

    public void Dispose() => _spool.Dispose();

    [Fact]
    public void Binds_section_AuditKit_then_applies_code()
    {
        using var app = Build(settings: new Dictionary<string, string?>
        {
            ["AuditKit:ServerUrl"] = "http://127.0.0.1:5080",
            ["AuditKit:ApiKey"] = "from-config",
            ["AuditKit:ServiceName"] = "orders",
            ["AuditKit:Delivery:BatchSize"] = "123",
            ["AuditKit:Delivery:Linger"] = "00:00:02",
            ["AuditKit:Delivery:SpoolFsync"] = "Never",
            ["AuditKit:Masking:RedactedText"] = "[hidden]",
        }, configure: o => o.ServiceVersion = "1.2.3");

        var options = app.Services.GetRequiredService<IOptions<AuditKitOptions>>().Value;
        options.ServerUrl.ShouldBe(new Uri("http://127.0.0.1:5080"));
        options.ApiKey.ShouldBe("from-config");
        options.ServiceName.ShouldBe("orders");
        options.ServiceVersion.ShouldBe("1.2.3");
        options.Delivery.BatchSize.ShouldBe(123);
        options.Delivery.Linger.ShouldBe(TimeSpan.FromSeconds(2));
        options.Delivery.SpoolFsync.ShouldBe(AuditSpoolFsync.Never);
        app.Services.GetRequiredService<AuditMasker>().Options.RedactedText.ShouldBe("[hidden]");
    }

    [Fact]
    public void Registers_core_services()
    {
        using var app = Build();
        app.Services.GetRequiredService<TimeProvider>().ShouldBeSameAs(TimeProvider.System);
        app.Services.GetRequiredService<IAuditContextAccessor>().ShouldBeOfType<AuditContextAccessor>();
        app.Services.GetRequiredService<AuditMasker>().ShouldNotBeNull();
        app.Services.GetRequiredService<AuditJsonMasker>().ShouldNotBeNull();
        app.Services.GetRequiredService<IAuditSink>().ShouldBeOfType<AuditDeliveryPipeline>();
    }

    [Fact]
    public async Task Calling_twice_registers_once_and_applies_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuditKit(o => { o.ServerUrl = s_server; o.ServiceName = "first"; });
        var count = services.Count;
        services.AddAuditKit(o => o.ServiceVersion = "2");
        services.Count.ShouldBe(count + 1);
        services.Count(d => d.ServiceType == typeof(IHostedService)).ShouldBe(1);

        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<AuditKitOptions>>().Value;
        options.ServiceName.ShouldBe("first");
        options.ServiceVersion.ShouldBe("2");
    }

    [Fact]
    public void Services_registered_first_win()
    {
        var sink = new ListSink();
        using var app = Build(services: s =>
        {
            s.AddSingleton<IAuditSink>(sink);
            s.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        });
        app.Services.GetRequiredService<IAuditSink>().ShouldBeSameAs(sink);
        app.Services.GetRequiredService<TimeProvider>().ShouldBeOfType<Microsoft.Extensions.Time.Testing.FakeTimeProvider>();
    }

    [Fact]
    public async Task A_replaced_sink_needs_no_server_url()
    {
        var sink = new ListSink();
        using var app = Build(services: s => s.AddSingleton<IAuditSink>(sink), withoutServer: true);
        await app.StartAsync();
        app.Services.GetRequiredService<IAuditSink>().TryWrite(TestApp.NewEvent()).ShouldBeTrue();
        sink.Events.Count.ShouldBe(1);
        await app.StopAsync();
    }

    [Fact]
    public async Task Missing_server_url_fails_start_naming_the_key()
    {
        using var app = Build(withoutServer: true);
        var ex = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());
        ex.Message.ShouldContain("AuditKit:ServerUrl");
    }

    [Theory]
    [InlineData("http://audit.example.com:5080", 1)]
    [InlineData("http://10.20.30.40:5080", 1)]
    [InlineData("http://127.0.0.1:5080", 0)]
    [InlineData("http://localhost:5080", 0)]
    [InlineData("http://[::1]:5080", 0)]
    [InlineData("https://audit.example.com", 0)]
    public async Task Plain_http_to_another_machine_is_warned_about_once_at_start_up(string serverUrl, int warnings)
    {
        await using var app = TestApp.Create(new Uri(serverUrl), _spool.File(Guid.NewGuid().ToString("N")));

        await app.StartAsync();
        await app.StopAsync();

        var entries = app.Logs.Entries.Where(static e => e.Id.Id == 5118).ToList();
        entries.Count.ShouldBe(warnings);
        entries.ShouldAllBe(e => e.Level == LogLevel.Warning && e.Message.Contains(serverUrl.TrimEnd('/'), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("AuditKit:Delivery:BatchSize", "0")]
    [InlineData("AuditKit:Delivery:BatchSize", "5000")]
    [InlineData("AuditKit:Delivery:BatchBytes", "99999999")]
    [InlineData("AuditKit:Delivery:ChannelCapacity", "0")]
    [InlineData("AuditKit:Delivery:AttemptTimeout", "00:00:00")]
    [InlineData("AuditKit:Delivery:CircuitBreakerFailureRatio", "1.5")]
    [InlineData("AuditKit:Delivery:SpoolMaxBytes", "1000")]
    [InlineData("AuditKit:ServerUrl", "ftp://example.org")]
    [InlineData("AuditKit:ApiKey", "has space")]
    [InlineData("AuditKit:Masking:PartialKeepLast", "-1")]
    public async Task Invalid_options_fail_start_naming_the_key(string key, string value)
    {
        using var app = Build(settings: new Dictionary<string, string?> { [key] = value });
        var ex = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());
        ex.Message.ShouldContain(key);
    }

    /// <summary>A host with AuditKit; the server URL comes from <paramref name="settings"/> or defaults to <see cref="s_server"/> unless <paramref name="withoutServer"/>.</summary>
    private IHost Build(IDictionary<string, string?>? settings = null, Action<AuditKitOptions>? configure = null, Action<IServiceCollection>? services = null, bool withoutServer = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        services?.Invoke(builder.Services);
        builder.Services.AddAuditKit(o =>
        {
            if (!withoutServer && settings?.ContainsKey("AuditKit:ServerUrl") != true)
            {
                o.ServerUrl = s_server;
            }

            o.SpoolDirectory = _spool.Path;
            configure?.Invoke(o);
        });
        return builder.Build();
    }

    private sealed class ListSink : IAuditSink
    {
        public List<AuditEvent> Events { get; } = [];

        public bool TryWrite(AuditEvent auditEvent)
        {
            Events.Add(auditEvent);
            return true;
        }
    }
}
