namespace AuditKit.Server.Tests.Import;

/// <summary>
/// The <c>import</c> command end to end on each provider: files written by the client's real file sink, a verbatim
/// seed 003 <c>audit.jsonl</c>, re-imports that store nothing, and bad lines reported by line number.
/// </summary>
public abstract class AuditImportTests : IAsyncLifetime
{
    // The Python service's AuditEvent.to_dict() as json.dumps writes it: naive isoformat timestamps, nulls spelled out.
    private const string Seed003Lines =
        """
        {"event_id": "7d9f3c1e-2b4a-4f6e-9c8d-1a2b3c4d5e6f", "timestamp": "2024-01-15T10:30:00.123456", "level": "INFO", "category": "USER_ACTION", "action": "user_login", "service_name": "auth_service", "user_id": "user123", "session_id": "sess-1", "request_id": null, "resource_type": null, "resource_id": null, "message": "User logged in successfully", "metadata": {"ip": "203.0.113.7"}, "error_code": null, "error_message": null, "stack_trace": null, "duration_ms": 12.5}
        {"event_id": "b3e1f0a2-5c6d-4e7f-8a9b-0c1d2e3f4a5b", "timestamp": "2024-01-15T10:31:02.5", "level": "ERROR", "category": "SYSTEM_EVENT", "action": "job_collection_failed", "service_name": "job_collection_service", "user_id": null, "session_id": null, "request_id": "req-9", "resource_type": "job_source", "resource_id": "indeed", "message": "Collection failed", "metadata": {}, "error_code": "E_TIMEOUT", "error_message": "upstream timed out", "stack_trace": "Traceback (most recent call last): ...", "duration_ms": 30000.0}

        {"event_id": "evt-42", "timestamp": "2024-01-15T10:32:00", "level": "WARN", "category": "SECURITY_EVENT", "action": "rate_limited", "service_name": "api_gateway", "user_id": "user123", "message": "Too many requests", "metadata": {}, "region": "eu-west-1"}
        """;

    private readonly TempDirectory _directory = new("auditkit-import");
    private ServiceProvider? _services;

    private protected IAuditEventStore Events => _services!.GetRequiredService<IAuditEventStore>();

    /// <summary>The configuration selecting the provider under test.</summary>
    private protected abstract Dictionary<string, string?> StorageSettings();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(StorageSettings()).Build();
        _services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddAuditStorage(configuration).BuildServiceProvider();
        await _services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Files_of_the_file_sink_are_stored_with_their_backups_and_a_reimport_stores_nothing()
    {
        var tenant = await NewTenantAsync();
        var directory = _directory.File("sink");
        var sent = Enumerable.Range(0, 60).Select(static i => new AuditEvent
        {
            Id = AuditEventIds.New(DateTimeOffset.UtcNow.AddMinutes(-60 + i)),
            Timestamp = DateTimeOffset.UtcNow.AddMinutes(-60 + i),
            Action = AuditActions.Update,
            Severity = AuditSeverity.Medium,
            ResourceType = "Customer",
            ResourceId = "c-" + i,
            UserId = "alice",
            Changes = [new AuditChange { Property = "Email", Old = "a@example.com", New = "b@example.com" }],
        }).ToList();

        var services = new ServiceCollection().AddLogging()
            .AddAuditFileSink(o => (o.Path, o.MaxFileSizeBytes, o.MaxBackups) = (Path.Combine(directory, "audit.jsonl"), 4096, 10));
        await using (var provider = services.BuildServiceProvider())
        {
            var sink = provider.GetRequiredService<IAuditSink>();
            foreach (var auditEvent in sent)
            {
                sink.TryWrite(auditEvent).ShouldBeTrue();
            }
        }

        Directory.GetFiles(directory).Length.ShouldBeGreaterThan(2, "the sink rotated into backups");

        var (exit, output, errors) = await ImportAsync("--tenant", tenant, "--file", directory);

        errors.ShouldBeEmpty();
        exit.ShouldBe(0);
        output.ShouldContain("60 read, 60 stored, 0 already stored, 0 rejected");
        var stored = await StoredAsync(tenant);
        stored.Select(static e => e.Id).ShouldBe(sent.Select(static e => e.Id), "backups are read oldest first, so the events go in in the order written");
        stored[7].ResourceId.ShouldBe("c-7");
        stored[7].Changes.ShouldHaveSingleItem().Property.ShouldBe("Email");
        stored.ShouldAllBe(e => e.ReceivedAt != null && e.Severity == AuditSeverity.Medium);

        var again = await ImportAsync("--tenant", tenant, "--file", directory);
        again.Exit.ShouldBe(0);
        again.Output.ShouldContain("60 read, 0 stored, 60 already stored, 0 rejected");
        (await StoredAsync(tenant)).Count.ShouldBe(60);
    }

    [Fact]
    public async Task A_seed_003_audit_jsonl_is_mapped_into_the_contract_and_a_reimport_stores_nothing()
    {
        var tenant = await NewTenantAsync();
        var file = _directory.File("audit.jsonl");
        await File.WriteAllTextAsync(file, Seed003Lines + "\n");

        var (exit, output, errors) = await ImportAsync("--tenant", tenant, "--file", file, "--format", "seed003");

        errors.ShouldBeEmpty();
        exit.ShouldBe(0);
        output.ShouldContain("3 read, 3 stored, 0 already stored, 0 rejected");
        var stored = await StoredAsync(tenant);

        // The service's uuid4 is not a UUIDv7 of its event's time: the event is re-keyed as the seed's HTTP routes do.
        var login = stored.Single(static e => e.Action == "USER_LOGIN");
        login.Id.ShouldBe(EventIdRule.Derive(login.Timestamp, "7d9f3c1e-2b4a-4f6e-9c8d-1a2b3c4d5e6f"));
        login.Metadata!["event_id"]!.GetValue<string>().ShouldBe("7d9f3c1e-2b4a-4f6e-9c8d-1a2b3c4d5e6f");
        login.Action.ShouldBe("USER_LOGIN");
        login.Severity.ShouldBe(AuditSeverity.Low);
        login.Status.ShouldBe(AuditStatus.Success);
        login.Description.ShouldBe("User logged in successfully");
        login.ServiceName.ShouldBe("auth_service");
        login.Category.ShouldBe("USER_ACTION");
        login.SessionId.ShouldBe("sess-1");
        login.DurationMs.ShouldBe(12.5);
        login.Timestamp.ShouldBe(new DateTimeOffset(2024, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_560));
        login.Metadata!["ip"]!.GetValue<string>().ShouldBe("203.0.113.7");
        login.Metadata.ContainsKey("level").ShouldBeFalse("the level is the severity, as on the seed's HTTP routes");

        var failure = stored.Single(static e => e.Action == "JOB_COLLECTION_FAILED");
        (failure.Severity, failure.Status, failure.ErrorCode, failure.ErrorMessage).ShouldBe((AuditSeverity.High, AuditStatus.Failure, "E_TIMEOUT", "upstream timed out"));
        failure.StackTrace.ShouldNotBeNull().ShouldStartWith("Traceback");

        // No UUID to keep: the id is derived from the line, and the service's own id stays with the event.
        var limited = stored.Single(static e => e.Action == "RATE_LIMITED");
        limited.Severity.ShouldBe(AuditSeverity.Medium);
        EventIdRule.Holds(limited.Id, limited.Timestamp).ShouldBeTrue();
        limited.Metadata!["event_id"]!.GetValue<string>().ShouldBe("evt-42");
        limited.Metadata["region"]!.GetValue<string>().ShouldBe("eu-west-1");

        var again = await ImportAsync("--tenant", tenant, "--file", file, "--format", "seed003");
        again.Exit.ShouldBe(0);
        again.Output.ShouldContain("3 read, 0 stored, 3 already stored, 0 rejected");
        (await StoredAsync(tenant)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task Bad_lines_are_reported_by_line_number_and_the_good_ones_stored()
    {
        var tenant = await NewTenantAsync();
        var file = _directory.File("mixed.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"action":"LOGIN","user_id":"alice","timestamp":"2025-01-01T10:00:00Z"}""",
            """{"action":"LOGIN",""",
            """{"action":"LOGOUT","user_id":"alice","timestamp":"2025-01-01T11:00:00Z"}""",
            """{"action":"LOGIN","source":"server"}""",
            """{"action":"LOGIN","tenant_id":"someone-else"}""",
            "",
            """{"action":"DELETE","severity":"enormous"}""",
            """{"action":"LOGOUT","user_id":"alice","timestamp":"2025-01-01T11:00:00Z"}""",
        ]);

        var (exit, output, errors) = await ImportAsync("--tenant", tenant, "--file", file);

        exit.ShouldBe(1);
        output.ShouldContain("7 read, 2 stored, 1 already stored, 4 rejected");
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        lines[0].ShouldStartWith($"rejected {file}:2: line is not JSON");
        lines[1].ShouldStartWith($"rejected {file}:4: source 'server' is reserved");
        lines[2].ShouldStartWith($"rejected {file}:5: tenant_id is 'someone-else', not the tenant being imported");
        lines[3].ShouldStartWith($"rejected {file}:7: severity must be one of");

        // Lines without an id get one derived from their text at their timestamp: the two identical LOGOUT lines are one event.
        var stored = await StoredAsync(tenant);
        stored.Select(static e => e.Action).ShouldBe([AuditActions.Login, AuditActions.Logout], ignoreOrder: true);
        stored.ShouldAllBe(static e => EventIdRule.Holds(e.Id, e.Timestamp));
        (await ImportAsync("--tenant", tenant, "--file", file)).Output.ShouldContain("7 read, 0 stored, 3 already stored, 4 rejected");
    }

    [Fact]
    public async Task Strict_stores_nothing_when_a_line_is_bad()
    {
        var tenant = await NewTenantAsync();
        var file = _directory.File("strict.jsonl");
        await File.WriteAllLinesAsync(file, ["""{"action":"LOGIN"}""", "not json"]);

        var (exit, output, errors) = await ImportAsync("--tenant", tenant, "--file", file, "--strict");

        exit.ShouldBe(1);
        output.ShouldContain("2 read, 0 stored, 0 already stored, 1 rejected (strict: nothing stored)");
        errors.ShouldContain($"{file}:2:");
        (await StoredAsync(tenant)).ShouldBeEmpty();

        await File.WriteAllLinesAsync(file, ["""{"action":"LOGIN"}"""]);
        (await ImportAsync("--tenant", tenant, "--file", file, "--strict")).Output.ShouldContain("1 read, 1 stored");
    }

    [Fact]
    public async Task Each_stored_batch_is_recorded_in_the_detection_outbox_as_ingest_records_it()
    {
        var tenant = await NewTenantAsync();
        var file = _directory.File("outbox.jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 5).Select(static i => $$"""{"action":"LOGIN_FAILED","user_id":"u{{i}}","timestamp":"2025-01-01T10:00:0{{i}}Z"}"""));

        (await ImportAsync("--tenant", tenant, "--file", file)).Exit.ShouldBe(0);
        (await ImportAsync("--tenant", tenant, "--file", file)).Exit.ShouldBe(0);

        await using var db = await _services!.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
        var rows = await db.Set<DetectionOutboxRow>().Where(r => r.TenantId == tenant).ToListAsync();
        rows.ShouldHaveSingleItem("the re-import stored nothing, so it recorded nothing").EventCount.ShouldBe(5);
    }

    [Fact]
    public async Task An_unknown_tenant_a_missing_file_and_bad_arguments_exit_with_2()
    {
        var file = _directory.File("one.jsonl");
        await File.WriteAllLinesAsync(file, ["""{"action":"LOGIN"}"""]);

        var unknown = await ImportAsync("--tenant", "no-such-tenant-" + Guid.NewGuid().ToString("N")[..8], "--file", file);
        unknown.Exit.ShouldBe(2);
        unknown.Errors.ShouldContain("no tenant");

        (await ImportAsync("--tenant", "t", "--file", _directory.File("missing.jsonl"))).Exit.ShouldBe(2);
        (await ImportAsync("--tenant", "t", "--file", file, "--format", "csv")).Exit.ShouldBe(2);
        (await ImportAsync("--file", file)).Exit.ShouldBe(2);
    }

    [Fact]
    public void Derived_ids_are_uuidv8_stable_per_tenant_and_line()
    {
        var id = ImportLineIds.Derive("acme", """{"action":"LOGIN"}""");

        id.ShouldBe(ImportLineIds.Derive("acme", """{"action":"LOGIN"}"""));
        id.ShouldNotBe(ImportLineIds.Derive("other", """{"action":"LOGIN"}"""));
        id.ShouldNotBe(ImportLineIds.Derive("acme", """{"action":"LOGIN" }"""));
        id.Version.ShouldBe(8);
        (id.Variant & 0b1100).ShouldBe(0b1000, "RFC 9562 variant 0b10");
        ImportLineIds.IsDerived(id).ShouldBeTrue();
        ImportLineIds.IsDerived(AuditEventIds.New(DateTimeOffset.UtcNow)).ShouldBeFalse();

        // The stored id: a UUIDv7 at the line's timestamp carrying the derived bits, the same at every import.
        var at = new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
        var stored = ImportLineIds.At(id, at);
        stored.ShouldBe(ImportLineIds.At(id, at));
        EventIdRule.Holds(stored, at).ShouldBeTrue();
        EventIdRule.Milliseconds(stored).ShouldBe(at.ToUnixTimeMilliseconds());
    }

    private async Task<string> NewTenantAsync()
    {
        var tenant = "imp-" + Guid.NewGuid().ToString("N")[..12];
        await _services!.GetRequiredService<ITenantStore>().CreateTenantAsync(new TenantRecord(tenant, "Import " + tenant, DateTimeOffset.UtcNow), default);
        return tenant;
    }

    private async Task<List<AuditEvent>> StoredAsync(string tenant)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in Events.StreamAsync(tenant, new AuditEventQuery { Descending = false }, default))
        {
            events.Add(e);
        }

        return events;
    }

    private async Task<(int Exit, string Output, string Errors)> ImportAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var configuration = StorageSettings().Select(static s => $"--{s.Key}={s.Value}");
        var exit = await AuditImportCommand.RunAsync([.. args, .. configuration], output, errors);
        return (exit, output.ToString(), errors.ToString());
    }
}

/// <summary>The import on the embedded SQLite file.</summary>
public sealed class SqliteAuditImportTests : AuditImportTests
{
    private readonly TempDirectory _database = new("auditkit-import-db");

    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["AuditKit:Storage:SqlitePath"] = _database.File("auditkit.db"),
        ["ConnectionStrings:AuditKit"] = string.Empty,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>The import on PostgreSQL (a fresh database for this class; tests use tenants of their own).</summary>
public sealed class PostgresAuditImportTests(PostgresDatabaseFixture database) : AuditImportTests, IClassFixture<PostgresDatabaseFixture>
{
    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["ConnectionStrings:AuditKit"] = database.ConnectionString,
    };
}
