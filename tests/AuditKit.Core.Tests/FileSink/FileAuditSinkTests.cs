using AuditKit.Core.Tests.Delivery;

namespace AuditKit.Core.Tests.FileSink;

/// <summary>The local file sink on real temp files: format, rotation, backups, concurrency, shutdown, a failing disk.</summary>
public sealed class FileAuditSinkTests : IDisposable
{
    private static readonly DateTimeOffset s_at = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new("auditkit-filesink");
    private readonly Meter _meter = new("AuditKit.FileSink.Tests." + Guid.NewGuid());
    private readonly ListLoggerProvider _logs = new();

    public void Dispose()
    {
        _meter.Dispose();
        _directory.Dispose();
    }

    private string FilePath => _directory.File(Path.Combine("logs", "audit.jsonl"));

    [Fact]
    public async Task Writes_one_contract_event_per_line_and_stamps_the_service()
    {
        var sent = Enumerable.Range(0, 3).Select(static i => Event(i)).ToList();
        sent[2].ServiceName = "own-service";

        var sink = Open(new AuditFileSinkOptions { Path = FilePath }, new AuditKitOptions { ServiceName = "billing", ServiceVersion = "1.2.3" });
        foreach (var auditEvent in sent)
        {
            sink.TryWrite(auditEvent).ShouldBeTrue();
        }

        await sink.DisposeAsync();

        var lines = await File.ReadAllLinesAsync(FilePath);
        lines.Length.ShouldBe(3);
        var read = lines.Select(static l => JsonSerializer.Deserialize(l, AuditJsonContext.Default.AuditEvent)!).ToList();
        read.Select(static e => e.Id).ShouldBe(sent.Select(static e => e.Id));
        read.Select(static e => e.ServiceName).ShouldBe(["billing", "billing", "own-service"]);
        read[0].ServiceVersion.ShouldBe("1.2.3");
        read[1].Action.ShouldBe(AuditActions.Update);
        read[1].Timestamp.ShouldBe(s_at.AddSeconds(1));
        lines[0].ShouldStartWith("{\"id\":\"" + sent[0].Id);
        lines[0].ShouldContain("\"service_name\":\"billing\"");
    }

    [Fact]
    public async Task Rotates_by_size_into_numbered_backups_and_deletes_the_oldest_beyond_the_limit()
    {
        using var rotated = new MetricCollector<long>(_meter, "auditkit.file_sink.rotated");
        var options = new AuditFileSinkOptions { Path = FilePath, MaxFileSizeBytes = 4096, MaxBackups = 2 };
        var sent = Enumerable.Range(0, 200).Select(static i => Event(i)).ToList();

        // One event at a time, so every line meets the size check on its own.
        var sink = Open(options);
        foreach (var auditEvent in sent)
        {
            sink.TryWrite(auditEvent).ShouldBeTrue();
        }

        await sink.DisposeAsync();

        var files = Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName).Order().ToList();
        files.ShouldBe(["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]);
        foreach (var file in files)
        {
            new FileInfo(Path.Combine(Path.GetDirectoryName(FilePath)!, file!)).Length.ShouldBeLessThanOrEqualTo(4096);
        }

        // Oldest backup first, the live file last: together the newest events, in the order written, with no gap.
        var kept = new List<Guid>();
        foreach (var file in new[] { FilePath + ".2", FilePath + ".1", FilePath })
        {
            var lines = await File.ReadAllLinesAsync(file);
            lines.ShouldNotBeEmpty();
            kept.AddRange(lines.Select(static l => JsonSerializer.Deserialize(l, AuditJsonContext.Default.AuditEvent)!.Id));
        }

        kept.ShouldBe(sent.Select(static e => e.Id).TakeLast(kept.Count));
        kept.Count.ShouldBeLessThan(sent.Count);
        rotated.GetMeasurementSnapshot().Sum(static m => m.Value).ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task Without_backups_the_full_file_starts_over()
    {
        var sink = Open(new AuditFileSinkOptions { Path = FilePath, MaxFileSizeBytes = 4096, MaxBackups = 0 });
        var sent = Enumerable.Range(0, 100).Select(static i => Event(i)).ToList();
        foreach (var auditEvent in sent)
        {
            sink.TryWrite(auditEvent);
        }

        await sink.DisposeAsync();

        Directory.GetFiles(Path.GetDirectoryName(FilePath)!).ShouldBe([FilePath]);
        new FileInfo(FilePath).Length.ShouldBeLessThanOrEqualTo(4096);
        (await File.ReadAllLinesAsync(FilePath)).Last().ShouldContain(sent[^1].Id.ToString());
    }

    [Fact]
    public async Task A_restarted_sink_appends_and_counts_the_existing_size_towards_rotation()
    {
        var options = new AuditFileSinkOptions { Path = FilePath, MaxFileSizeBytes = 4096, MaxBackups = 3 };
        var first = Open(options);
        first.TryWrite(Event(0));
        await first.DisposeAsync();
        var size = new FileInfo(FilePath).Length;
        var perFile = (int)(4096 / size);

        var second = Open(options);
        for (var i = 1; i < perFile; i++)
        {
            second.TryWrite(Event(i));
        }

        await second.DisposeAsync();
        File.Exists(FilePath + ".1").ShouldBeFalse("the file holds exactly as many events as fit");
        (await File.ReadAllLinesAsync(FilePath)).Length.ShouldBe(perFile);

        var third = Open(options);
        third.TryWrite(Event(perFile));
        await third.DisposeAsync();
        (await File.ReadAllLinesAsync(FilePath + ".1")).Length.ShouldBe(perFile);
        (await File.ReadAllLinesAsync(FilePath)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing_and_interleave_no_lines()
    {
        var sink = Open(new AuditFileSinkOptions { Path = FilePath, ChannelCapacity = 100_000, MaxFileSizeBytes = 256 * 1024, MaxBackups = 100 });
        var sent = new ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var auditEvent = Event(i);
                sent.Add(auditEvent.Id);
                sink.TryWrite(auditEvent).ShouldBeTrue();
            }
        })));
        await sink.DisposeAsync();

        var lines = Directory.GetFiles(Path.GetDirectoryName(FilePath)!).SelectMany(File.ReadAllLines).ToList();
        var read = lines.Select(static l => JsonSerializer.Deserialize(l, AuditJsonContext.Default.AuditEvent)!.Id).ToList();
        read.Count.ShouldBe(8000);
        read.ShouldBe(sent, ignoreOrder: true);
        Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Length.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Dispose_writes_every_waiting_event_and_later_writes_are_refused_and_counted()
    {
        using var dropped = new MetricCollector<long>(_meter, "auditkit.file_sink.dropped");
        var sink = Open(new AuditFileSinkOptions { Path = FilePath, ChannelCapacity = 50_000 });
        for (var i = 0; i < 20_000; i++)
        {
            sink.TryWrite(Event(i)).ShouldBeTrue();
        }

        await sink.DisposeAsync();

        File.ReadLines(FilePath).Count().ShouldBe(20_000);
        sink.TryWrite(Event(0)).ShouldBeFalse();
        dropped.GetMeasurementSnapshot().ShouldHaveSingleItem().Tags["reason"].ShouldBe("shut_down");
        sink.Dispose();
    }

    [Fact]
    public async Task An_unwritable_file_is_logged_and_counted_never_thrown_and_the_sink_recovers()
    {
        using var dropped = new MetricCollector<long>(_meter, "auditkit.file_sink.dropped");
        using var written = new MetricCollector<long>(_meter, "auditkit.file_sink.written");

        // The file's directory is a regular file: every open fails with an IOException.
        var blocker = _directory.File("blocked");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var path = Path.Combine(blocker, "audit.jsonl");
        var sink = Open(new AuditFileSinkOptions { Path = path });

        sink.TryWrite(Event(0)).ShouldBeTrue();
        sink.TryWrite(Event(1)).ShouldBeTrue();
        await Eventually.TrueAsync(() => dropped.GetMeasurementSnapshot().Sum(static m => m.Value) == 2, "both events are counted as dropped");
        dropped.GetMeasurementSnapshot().ShouldAllBe(static m => (string)m.Tags["reason"]! == FileAuditSink.FileUnwritable);
        _logs.Entries.ShouldContain(static e => e.Id.Id == 5202 && e.Level == LogLevel.Error);

        // The disk comes back: the next event reopens the file.
        File.Delete(blocker);
        var third = Event(2);
        sink.TryWrite(third).ShouldBeTrue();
        await sink.DisposeAsync();

        (await File.ReadAllLinesAsync(path)).ShouldHaveSingleItem().ShouldContain(third.Id.ToString());
        written.GetMeasurementSnapshot().Sum(static m => m.Value).ShouldBe(1);
    }

    [Fact]
    public async Task AddAuditFileSink_binds_its_section_and_replaces_the_delivery_pipeline()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditKit:FileSink:Path"] = FilePath,
            ["AuditKit:FileSink:MaxFileSizeBytes"] = "8192",
            ["AuditKit:FileSink:MaxBackups"] = "2",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddAuditKit();
        services.AddAuditFileSink(o => o.MaxBackups = 3);

        await using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptions<AuditFileSinkOptions>>().Value;
            (options.Path, options.MaxFileSizeBytes, options.MaxBackups).ShouldBe((FilePath, 8192L, 3));
            var sink = provider.GetRequiredService<IAuditSink>().ShouldBeOfType<FileAuditSink>();
            sink.TryWrite(Event(0)).ShouldBeTrue();
        }

        // Disposing the provider closed the file with the event in it.
        (await File.ReadAllLinesAsync(FilePath)).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("Path", " ", "AuditKit:FileSink:Path must name a file.")]
    [InlineData("MaxFileSizeBytes", "100", "AuditKit:FileSink:MaxFileSizeBytes must be at least 4096 (was 100).")]
    [InlineData("MaxBackups", "-1", "AuditKit:FileSink:MaxBackups must be between 0 and 1000 (was -1).")]
    [InlineData("ChannelCapacity", "0", "AuditKit:FileSink:ChannelCapacity must be between 1 and 10000000 (was 0).")]
    public async Task Invalid_options_fail_at_start_up_naming_the_key(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditKit:FileSink:" + key] = value,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddAuditFileSink();
        await using var provider = services.BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditFileSinkOptions>>().Value);
        error.Failures.ShouldBe([message]);
    }

    private FileAuditSink Open(AuditFileSinkOptions options, AuditKitOptions? kit = null)
    {
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        return new FileAuditSink(
            Options.Create(options),
            new AuditFileSinkMetrics(new SingleMeterFactory(_meter)),
            new FakeTimeProvider(s_at),
            loggerFactory.CreateLogger<FileAuditSink>(),
            kit is null ? null : Options.Create(kit));
    }

    private static AuditEvent Event(int i) => new()
    {
        Id = AuditEventIds.New(s_at.AddSeconds(i)),
        Timestamp = s_at.AddSeconds(i),
        Action = i % 2 == 0 ? AuditActions.Read : AuditActions.Update,
        Severity = AuditSeverity.Medium,
        ResourceType = "Customer",
        ResourceId = "customer-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
        UserId = "alice",
        Description = "An event of the file sink tests",
    };

    private sealed class SingleMeterFactory(Meter meter) : IMeterFactory
    {
        public Meter Create(MeterOptions options) => meter;

        public void Dispose()
        {
        }
    }
}
