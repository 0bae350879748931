namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The storage contract: every behaviour <see cref="IAuditEventStore"/> and <see cref="ITenantStore"/> promise,
/// run unchanged against each provider by the subclasses. Each test works in tenants of its own.
/// </summary>
public abstract partial class AuditEventStoreContractTests : IAsyncLifetime
{
    private ServiceProvider? _services;

    private protected IAuditEventStore Events => _services!.GetRequiredService<IAuditEventStore>();

    private protected ITenantStore Tenants => _services!.GetRequiredService<ITenantStore>();

    private protected IServiceProvider Services => _services!;

    /// <summary>The configuration selecting the provider under test.</summary>
    private protected abstract Dictionary<string, string?> StorageSettings();

    /// <summary>Makes the database reject (raise an error on) any insert of an event with <paramref name="action"/>.</summary>
    private protected abstract Task RejectInsertsOfActionAsync(string action);

    public async Task InitializeAsync()
    {
        _services = BuildServices(StorageSettings());
        await _services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(CancellationToken.None);
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private protected static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddAuditStorage(configuration)
            .BuildServiceProvider();
    }

    private static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private static readonly DateTimeOffset s_received = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    // ---- ingest and read back

    [Fact]
    public async Task Round_trip_keeps_every_field()
    {
        var tenant = NewTenant();
        var sent = StorageTestEvents.Full(new DateTimeOffset(2026, 3, 1, 14, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567));

        var outcomes = await Events.InsertAsync(tenant, [sent], s_received, AuditInsertHooks.None, default);
        var stored = await Events.GetAsync(tenant, sent.Id, default);

        outcomes.ShouldBe([AuditInsertOutcome.Inserted]);
        stored.ShouldNotBeNull();
        stored.TenantId.ShouldBe(tenant);
        stored.Id.ShouldBe(sent.Id);
        stored.Timestamp.ShouldBe(sent.Timestamp.AddTicks(-7)); // whole microseconds
        stored.Timestamp.Offset.ShouldBe(TimeSpan.Zero);
        stored.ReceivedAt.ShouldBe(s_received);
        foreach (var property in typeof(AuditEvent).GetProperties())
        {
            if (property.Name is nameof(AuditEvent.TenantId) or nameof(AuditEvent.Timestamp) or nameof(AuditEvent.ReceivedAt)
                or nameof(AuditEvent.Changes) or nameof(AuditEvent.OldValues) or nameof(AuditEvent.NewValues)
                or nameof(AuditEvent.Metadata) or nameof(AuditEvent.Tags))
            {
                continue;
            }

            property.GetValue(stored).ShouldBe(property.GetValue(sent), property.Name);
        }

        JsonNode.DeepEquals(Json(stored.Changes), Json(sent.Changes)).ShouldBeTrue(Json(stored.Changes)?.ToJsonString());
        JsonNode.DeepEquals(stored.OldValues, sent.OldValues).ShouldBeTrue();
        JsonNode.DeepEquals(stored.NewValues, sent.NewValues).ShouldBeTrue();
        JsonNode.DeepEquals(stored.Metadata, sent.Metadata).ShouldBeTrue();
        stored.Tags.ShouldBe(["SOX", "GDPR"]);
    }

    [Fact]
    public async Task Round_trip_keeps_nulls_as_nulls()
    {
        var tenant = NewTenant();
        var sent = StorageTestEvents.Minimal();

        await Events.InsertAsync(tenant, [sent], s_received, AuditInsertHooks.None, default);
        var stored = await Events.GetAsync(tenant, sent.Id, default);

        stored.ShouldNotBeNull();
        stored.Action.ShouldBe(AuditActions.Read);
        stored.Source.ShouldBe(AuditSources.Manual);
        stored.Status.ShouldBe(AuditStatus.Success);
        stored.Severity.ShouldBe(AuditSeverity.Low);
        stored.UserId.ShouldBeNull();
        stored.StatusCode.ShouldBeNull();
        stored.DurationMs.ShouldBeNull();
        stored.Changes.ShouldBeNull();
        stored.OldValues.ShouldBeNull();
        stored.Metadata.ShouldBeNull();
        stored.Tags.ShouldBeNull();
    }

    [Fact]
    public async Task Nul_characters_are_stored_as_replacement_characters()
    {
        var tenant = NewTenant();
        var sent = StorageTestEvents.Minimal();
        sent.Description = "a\0b";
        sent.Metadata = new JsonObject { ["k"] = "x\0y", ["literal"] = "\\u0000" };

        await Events.InsertAsync(tenant, [sent], s_received, AuditInsertHooks.None, default);
        var stored = await Events.GetAsync(tenant, sent.Id, default);

        stored!.Description.ShouldBe("a\uFFFDb");
        stored.Metadata!["k"]!.GetValue<string>().ShouldBe("x\uFFFDy");
        stored.Metadata["literal"]!.GetValue<string>().ShouldBe("\\u0000");
    }

    [Fact]
    public async Task Insert_reports_an_id_already_stored_as_duplicate_and_keeps_the_first()
    {
        var tenant = NewTenant();
        var first = StorageTestEvents.Minimal();
        var again = StorageTestEvents.Minimal();
        again.Id = first.Id;
        again.Action = AuditActions.Delete;
        var other = StorageTestEvents.Minimal();

        (await Events.InsertAsync(tenant, [first], s_received, AuditInsertHooks.None, default)).ShouldBe([AuditInsertOutcome.Inserted]);
        var outcomes = await Events.InsertAsync(tenant, [other, again], s_received, AuditInsertHooks.None, default);

        outcomes.ShouldBe([AuditInsertOutcome.Inserted, AuditInsertOutcome.Duplicate]);
        (await Events.GetAsync(tenant, first.Id, default))!.Action.ShouldBe(AuditActions.Read);
        (await Events.QueryAsync(tenant, new AuditEventQuery(), default)).Total.ShouldBe(2);
    }

    [Fact]
    public async Task Insert_reports_an_id_repeated_within_the_batch_as_duplicate()
    {
        var tenant = NewTenant();
        var a = StorageTestEvents.Minimal();
        var b = StorageTestEvents.Minimal();
        var aAgain = StorageTestEvents.Minimal(action: AuditActions.Delete);
        aAgain.Id = a.Id;

        var outcomes = await Events.InsertAsync(tenant, [a, b, aAgain, b], s_received, AuditInsertHooks.None, default);

        outcomes.ShouldBe([AuditInsertOutcome.Inserted, AuditInsertOutcome.Inserted, AuditInsertOutcome.Duplicate, AuditInsertOutcome.Duplicate]);
        (await Events.GetAsync(tenant, a.Id, default))!.Action.ShouldBe(AuditActions.Read);
        (await Events.QueryAsync(tenant, new AuditEventQuery(), default)).Total.ShouldBe(2);
    }

    [Fact]
    public async Task The_same_id_in_two_tenants_is_two_events()
    {
        var (one, two) = (NewTenant(), NewTenant());
        var e = StorageTestEvents.Minimal();

        (await Events.InsertAsync(one, [e], s_received, AuditInsertHooks.None, default)).ShouldBe([AuditInsertOutcome.Inserted]);
        (await Events.InsertAsync(two, [e], s_received, AuditInsertHooks.None, default)).ShouldBe([AuditInsertOutcome.Inserted]);

        (await Events.GetAsync(one, e.Id, default))!.TenantId.ShouldBe(one);
        (await Events.GetAsync(two, e.Id, default))!.TenantId.ShouldBe(two);
    }

    [Fact]
    public async Task A_batch_that_fails_in_the_middle_leaves_nothing_behind()
    {
        var tenant = NewTenant();
        await RejectInsertsOfActionAsync("REJECTED_BY_DATABASE");
        var batch = Enumerable.Range(0, 50).Select(i => StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(i))).ToList();
        batch[25].Action = "REJECTED_BY_DATABASE";

        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(tenant, batch, s_received, AuditInsertHooks.None, default));

        (await Events.QueryAsync(tenant, new AuditEventQuery(), default)).Total.ShouldBe(0);
        (await Events.GetAsync(tenant, batch[0].Id, default)).ShouldBeNull();
        batch.RemoveAt(25);
        (await Events.InsertAsync(tenant, batch, s_received, AuditInsertHooks.None, default)).ShouldAllBe(o => o == AuditInsertOutcome.Inserted);
    }

    [Fact]
    public async Task Work_done_alongside_commits_with_the_events_or_not_at_all()
    {
        var tenant = NewTenant();
        var table = "side_" + Guid.NewGuid().ToString("N")[..12];
        await Events.InsertAsync(tenant, [StorageTestEvents.Minimal(StorageTestEvents.BaseTime)], s_received, new AuditInsertHooks(Before: Run($"CREATE TABLE {table} (v integer)")), default);

        // Committed together.
        var stored = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(1));
        (await Events.InsertAsync(tenant, [stored], s_received, new AuditInsertHooks(Before: Run($"INSERT INTO {table} (v) VALUES (1)")), default))
            .ShouldBe([AuditInsertOutcome.Inserted]);
        (await Events.GetAsync(tenant, stored.Id, default)).ShouldNotBeNull();
        (await CountAsync(table)).ShouldBe(1);

        // The events cannot be stored: the work is undone.
        await RejectInsertsOfActionAsync("REJECTED_BY_DATABASE");
        var rejected = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(2));
        rejected.Action = "REJECTED_BY_DATABASE";
        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(tenant, [rejected], s_received, new AuditInsertHooks(Before: Run($"INSERT INTO {table} (v) VALUES (2)")), default));
        (await CountAsync(table)).ShouldBe(1);
        (await Events.GetAsync(tenant, rejected.Id, default)).ShouldBeNull();

        // The work fails: no event is stored, and the caller gets the work's exception.
        var unrecorded = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(3));
        await Should.ThrowAsync<InvalidOperationException>(() => Events.InsertAsync(
            tenant, [unrecorded], s_received, new AuditInsertHooks(Before: (_, _, _) => throw new InvalidOperationException("the change failed")), default));
        (await Events.GetAsync(tenant, unrecorded.Id, default)).ShouldBeNull();
        (await Events.QueryAsync(tenant, new AuditEventQuery(), default)).Total.ShouldBe(2);

        static AuditTransactionWork Run(string sql) => async (connection, transaction, cancellationToken) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        };

        // Read through the contract too: work alongside an event of a tenant of its own.
        async Task<long> CountAsync(string name)
        {
            long count = -1;
            await Events.InsertAsync(NewTenant(), [StorageTestEvents.Minimal(StorageTestEvents.BaseTime)], s_received, new AuditInsertHooks(Before: async (connection, transaction, cancellationToken) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"SELECT count(*) FROM {name}";
                count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }), default);
            return count;
        }
    }

    [Fact]
    public async Task Stored_and_duplicate_events_are_counted()
    {
        var counts = new Dictionary<string, long>();
        var meterFactory = Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == AuditStorageMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (counts)
            {
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        var tenant = NewTenant();
        var a = StorageTestEvents.Minimal();

        await Events.InsertAsync(tenant, [a, StorageTestEvents.Minimal()], s_received, AuditInsertHooks.None, default);
        await Events.InsertAsync(tenant, [a, a], s_received, AuditInsertHooks.None, default);

        counts["auditkit.storage.events.stored"].ShouldBe(2);
        counts["auditkit.storage.events.duplicates"].ShouldBe(2);
    }

    [Fact]
    public async Task An_empty_batch_stores_nothing()
    {
        (await Events.InsertAsync(NewTenant(), [], s_received, AuditInsertHooks.None, default)).ShouldBeEmpty();
    }

    // ---- tenant isolation

    [Fact]
    public async Task Get_sees_only_the_callers_tenant()
    {
        var (mine, theirs) = (NewTenant(), NewTenant());
        var e = StorageTestEvents.Full();
        await Events.InsertAsync(theirs, [e], s_received, AuditInsertHooks.None, default);

        (await Events.GetAsync(mine, e.Id, default)).ShouldBeNull();
        (await Events.GetAsync(theirs, e.Id, default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Query_sees_only_the_callers_tenant()
    {
        var (mine, theirs) = (NewTenant(), NewTenant());
        var my = StorageTestEvents.Full();
        var their = StorageTestEvents.Full();
        await Events.InsertAsync(mine, [my], s_received, AuditInsertHooks.None, default);
        await Events.InsertAsync(theirs, [their], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(mine, new AuditEventQuery { Search = "customer", UserId = "u-7" }, default);

        page.Items.Select(e => e.Id).ShouldBe([my.Id]);
        page.Total.ShouldBe(1);
    }

    // ---- filters

    public static TheoryData<string> FilterNames => [.. s_filters.Keys];

    private static readonly Dictionary<string, (Func<AuditEventQuery, AuditEventQuery> Apply, Func<AuditEvent, bool> Matches)> s_filters = new()
    {
        ["action"] = (q => q with { Action = AuditActions.Delete }, e => e.Action == AuditActions.Delete),
        ["category"] = (q => q with { Category = "c1" }, e => e.Category == "c1"),
        ["resource_type"] = (q => q with { ResourceType = "Order" }, e => e.ResourceType == "Order"),
        ["resource"] = (q => q with { ResourceType = "Order", ResourceId = "2" }, e => e.ResourceType == "Order" && e.ResourceId == "2"),
        ["resource_id"] = (q => q with { ResourceId = "2" }, e => e.ResourceId == "2"),
        ["user_id"] = (q => q with { UserId = "u1" }, e => e.UserId == "u1"),
        ["status"] = (q => q with { Status = AuditStatus.Failure }, e => e.Status == AuditStatus.Failure),
        ["severity"] = (q => q with { Severity = AuditSeverity.Critical }, e => e.Severity == AuditSeverity.Critical),
        ["ip_address"] = (q => q with { IpAddress = "10.0.0.2" }, e => e.IpAddress == "10.0.0.2"),
        ["service_name"] = (q => q with { ServiceName = "svc-b" }, e => e.ServiceName == "svc-b"),
        ["source"] = (q => q with { Source = AuditSources.EfCore }, e => e.Source == AuditSources.EfCore),
        ["trace_id"] = (q => q with { TraceId = "trace-3" }, e => e.TraceId == "trace-3"),
        ["from"] = (q => q with { From = StorageTestEvents.BaseTime.AddMinutes(20) }, e => e.Timestamp >= StorageTestEvents.BaseTime.AddMinutes(20)),
        ["to"] = (q => q with { To = StorageTestEvents.BaseTime.AddMinutes(20) }, e => e.Timestamp < StorageTestEvents.BaseTime.AddMinutes(20)),
        ["combined"] = (
            q => q with { UserId = "u1", Severity = AuditSeverity.Critical, From = StorageTestEvents.BaseTime.AddMinutes(5) },
            e => e.UserId == "u1" && e.Severity == AuditSeverity.Critical && e.Timestamp >= StorageTestEvents.BaseTime.AddMinutes(5)),
    };

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task Each_filter_selects_exactly_the_matching_events(string filter)
    {
        var tenant = NewTenant();
        var events = Varied(60);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var (apply, matches) = s_filters[filter];
        var expected = events.Where(matches).Select(e => e.Id).ToHashSet();

        var page = await Events.QueryAsync(tenant, apply(new AuditEventQuery { Limit = 1000 }), default);

        expected.Count.ShouldBeInRange(1, events.Count - 1, "the fixture must make the filter selective");
        page.Items.Select(e => e.Id).ToHashSet().SetEquals(expected).ShouldBeTrue(filter);
        page.Total.ShouldBe(expected.Count);
    }

    [Fact]
    public async Task From_is_inclusive_and_to_is_exclusive_to_the_microsecond()
    {
        var tenant = NewTenant();
        var t = StorageTestEvents.BaseTime.AddTicks(1230); // 123 µs
        var before = StorageTestEvents.Minimal(t.AddTicks(-10));
        var at = StorageTestEvents.Minimal(t);
        var after = StorageTestEvents.Minimal(t.AddTicks(10));
        await Events.InsertAsync(tenant, [before, at, after], s_received, AuditInsertHooks.None, default);

        var fromAt = await Events.QueryAsync(tenant, new AuditEventQuery { From = t }, default);
        var toAt = await Events.QueryAsync(tenant, new AuditEventQuery { To = t }, default);
        var exactly = await Events.QueryAsync(tenant, new AuditEventQuery { From = t, To = t.AddTicks(10) }, default);
        var otherOffset = await Events.QueryAsync(tenant, new AuditEventQuery { From = t.ToOffset(TimeSpan.FromHours(-5)) }, default);

        fromAt.Items.Select(e => e.Id).ShouldBe([after.Id, at.Id]);
        toAt.Items.Select(e => e.Id).ShouldBe([before.Id]);
        exactly.Items.Select(e => e.Id).ShouldBe([at.Id]);
        otherOffset.Items.Select(e => e.Id).ShouldBe([after.Id, at.Id]);
    }

    // ---- full-text search

    [Theory]
    [InlineData("invoice", "description")]
    [InlineData("INVOICE", "description")]
    [InlineData("Meridian", "resource_name")]
    [InlineData("deadlock", "error_message")]
    [InlineData("reports", "path")]
    [InlineData("invoice approved", "description")]
    public async Task Search_matches_words_of_description_resource_name_error_message_and_path(string search, string expectedField)
    {
        var tenant = NewTenant();
        var byField = new Dictionary<string, AuditEvent>
        {
            ["description"] = With(StorageTestEvents.Minimal(), e => e.Description = "Invoice 17 approved by finance"),
            ["resource_name"] = With(StorageTestEvents.Minimal(), e => e.ResourceName = "Project Meridian"),
            ["error_message"] = With(StorageTestEvents.Minimal(), e => e.ErrorMessage = "Transaction aborted: deadlock detected"),
            ["path"] = With(StorageTestEvents.Minimal(), e => e.Path = "/api/reports/monthly"),
            ["none"] = With(StorageTestEvents.Minimal(), e => (e.Description, e.Query, e.UserAgent) = ("nothing to see", "invoice=1", "reports")),
        };
        await Events.InsertAsync(tenant, [.. byField.Values], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { Search = search }, default);

        page.Items.Select(e => e.Id).ShouldBe([byField[expectedField].Id]);
        page.Total.ShouldBe(1);
    }

    [Fact]
    public async Task Search_requires_every_word_and_combines_with_filters()
    {
        var tenant = NewTenant();
        var a = With(StorageTestEvents.Minimal(), e => (e.Description, e.UserId) = ("password reset requested", "u1"));
        var b = With(StorageTestEvents.Minimal(), e => (e.Description, e.UserId) = ("password reset requested", "u2"));
        var c = With(StorageTestEvents.Minimal(), e => (e.Description, e.UserId) = ("password changed", "u1"));
        await Events.InsertAsync(tenant, [a, b, c], s_received, AuditInsertHooks.None, default);

        var both = await Events.QueryAsync(tenant, new AuditEventQuery { Search = "password reset" }, default);
        var filtered = await Events.QueryAsync(tenant, new AuditEventQuery { Search = "password", UserId = "u1" }, default);

        both.Items.Select(e => e.Id).ToHashSet().SetEquals([a.Id, b.Id]).ShouldBeTrue();
        filtered.Items.Select(e => e.Id).ToHashSet().SetEquals([a.Id, c.Id]).ShouldBeTrue();
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("a) OR (b")]
    [InlineData("NEAR(x y)")]
    [InlineData("col:value*")]
    [InlineData("!!! ---")]
    public async Task Search_syntax_in_user_input_never_fails(string search)
    {
        var tenant = NewTenant();
        await Events.InsertAsync(tenant, [With(StorageTestEvents.Minimal(), e => e.Description = "plain text")], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { Search = search }, default);

        page.Items.ShouldBeEmpty();
    }

    // ---- order and paging

    public static TheoryData<string, bool> SortOrders()
    {
        var data = new TheoryData<string, bool>();
        foreach (var field in Enum.GetNames<AuditSortField>())
        {
            data.Add(field, true);
            data.Add(field, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SortOrders))]
    public async Task Sorting_orders_by_the_field_then_id_and_cursor_pages_walk_it_exactly(string sortField, bool descending)
    {
        var sortBy = Enum.Parse<AuditSortField>(sortField);
        var tenant = NewTenant();
        var events = Varied(40);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var expected = ExpectedOrder(events, sortBy, descending);

        var all = await Events.QueryAsync(tenant, new AuditEventQuery { SortBy = sortBy, Descending = descending, Limit = 1000 }, default);
        var walked = new List<Guid>();
        var query = new AuditEventQuery { SortBy = sortBy, Descending = descending, Limit = 3, IncludeTotal = false };
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await Events.QueryAsync(tenant, query, default);
            walked.AddRange(page.Items.Select(e => e.Id));
            if (page.Next is null)
            {
                break;
            }

            query = query with { Cursor = page.Next };
        }

        all.Items.Select(e => e.Id).ShouldBe(expected);
        all.Next.ShouldBeNull();
        walked.ShouldBe(expected);
    }

    [Fact]
    public async Task Text_sorts_in_byte_order_whatever_the_locale()
    {
        var tenant = NewTenant();
        string[] users = ["zed", "Émile", "alice", "Bob", "Zoë", "_system", "42"];
        await Events.InsertAsync(tenant, [.. users.Select(u => With(StorageTestEvents.Minimal(), e => e.UserId = u))], s_received, AuditInsertHooks.None, default);

        var page = await Events.QueryAsync(tenant, new AuditEventQuery { SortBy = AuditSortField.UserId, Descending = false }, default);

        page.Items.Select(e => e.UserId).ShouldBe(["42", "Bob", "Zoë", "_system", "alice", "zed", "Émile"]);
    }

    [Fact]
    public async Task Offset_pages_concatenate_to_the_full_order()
    {
        var tenant = NewTenant();
        var events = Varied(23);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var expected = ExpectedOrder(events, AuditSortField.Timestamp, descending: true);

        var walked = new List<Guid>();
        for (var offset = 0; offset < 30; offset += 5)
        {
            var page = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 5, Offset = offset }, default);
            page.Total.ShouldBe(23);
            walked.AddRange(page.Items.Select(e => e.Id));
            (page.Next is null).ShouldBe(offset + 5 >= 23);
        }

        walked.ShouldBe(expected);
    }

    [Fact]
    public async Task Cursor_paging_has_no_duplicates_or_gaps_while_events_arrive_between_pages()
    {
        var tenant = NewTenant();
        var original = Enumerable.Range(0, 30).Select(i => StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddMinutes(i))).ToList();
        original.Add(With(StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddMinutes(10)), e => e.Id = Guid.CreateVersion7(StorageTestEvents.BaseTime)));
        await Events.InsertAsync(tenant, original, s_received, AuditInsertHooks.None, default);

        var walked = new List<AuditEvent>();
        var query = new AuditEventQuery { Limit = 4, IncludeTotal = false };
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await Events.QueryAsync(tenant, query, default);
            walked.AddRange(page.Items);
            if (page.Next is null)
            {
                break;
            }

            // Newer events (before the cursor), older ones (after it) and ties on the cursor's timestamp arrive.
            var cursorTime = page.Items[^1].Timestamp;
            await Events.InsertAsync(
                tenant,
                [StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddHours(1).AddSeconds(pages)),
                 StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddHours(-1).AddSeconds(pages)),
                 StorageTestEvents.Minimal(cursorTime)],
                s_received, AuditInsertHooks.None,
                default);
            query = query with { Cursor = page.Next };
        }

        var ids = walked.Select(e => e.Id).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count);
        original.Select(e => e.Id).ShouldBeSubsetOf(ids);
        ExpectedOrder(walked, AuditSortField.Timestamp, descending: true).ShouldBe(ids);
        walked.ShouldNotContain(e => e.Timestamp > StorageTestEvents.BaseTime.AddMinutes(29)); // newer arrivals sort before page 1
        walked.Count(e => e.Timestamp < StorageTestEvents.BaseTime).ShouldBeGreaterThan(0); // older arrivals are reached
    }

    [Fact]
    public async Task A_cursor_carries_its_order()
    {
        var tenant = NewTenant();
        var events = Varied(12);
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var expected = ExpectedOrder(events, AuditSortField.Action, descending: false);

        var first = await Events.QueryAsync(tenant, new AuditEventQuery { SortBy = AuditSortField.Action, Descending = false, Limit = 5 }, default);
        var second = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 5, Cursor = first.Next }, default);

        first.Items.Concat(second.Items).Select(e => e.Id).ShouldBe(expected.Take(10));
    }

    [Fact]
    public async Task Total_counts_every_match_and_is_skipped_when_not_asked_for()
    {
        var tenant = NewTenant();
        await Events.InsertAsync(tenant, Varied(17), s_received, AuditInsertHooks.None, default);

        var counted = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 2 }, default);
        var uncounted = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 2, IncludeTotal = false }, default);
        var offsetPastEnd = await Events.QueryAsync(tenant, new AuditEventQuery { Limit = 2, Offset = 50 }, default);

        counted.Total.ShouldBe(17);
        counted.Items.Count.ShouldBe(2);
        uncounted.Total.ShouldBeNull();
        offsetPastEnd.Items.ShouldBeEmpty();
        offsetPastEnd.Total.ShouldBe(17);
        offsetPastEnd.Next.ShouldBeNull();
    }

    [Theory]
    [InlineData(nameof(AuditSortField.Timestamp), "not a time")]
    [InlineData(nameof(AuditSortField.Timestamp), null)]
    [InlineData(nameof(AuditSortField.Severity), "high")]
    [InlineData(nameof(AuditSortField.StatusCode), "1.5")]
    public async Task A_cursor_this_store_did_not_write_is_rejected(string sortField, string? value)
    {
        var sortBy = Enum.Parse<AuditSortField>(sortField);
        var cursor = new AuditCursor(sortBy, true, value, Guid.CreateVersion7());

        var error = await Should.ThrowAsync<ArgumentException>(
            () => Events.QueryAsync(NewTenant(), new AuditEventQuery { SortBy = sortBy, Cursor = cursor }, default));

        error.ParamName.ShouldBe("cursor");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1001, 0)]
    [InlineData(10, -1)]
    public async Task Out_of_range_paging_is_rejected(int limit, int offset)
    {
        await Should.ThrowAsync<ArgumentOutOfRangeException>(
            () => Events.QueryAsync(NewTenant(), new AuditEventQuery { Limit = limit, Offset = offset }, default));
    }

    [Fact]
    public async Task The_store_reports_itself_reachable()
    {
        (await Events.IsReachableAsync(default)).ShouldBeTrue();
    }

    // ---- tenants and keys

    [Fact]
    public async Task Tenants_are_created_once_and_read_back()
    {
        var id = NewTenant();
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        (await Tenants.CreateTenantAsync(new TenantRecord(id, "Acme GmbH", created), default)).ShouldBeTrue();
        (await Tenants.CreateTenantAsync(new TenantRecord(id, "Other", created), default)).ShouldBeFalse();

        (await Tenants.GetTenantAsync(id, default)).ShouldBe(new TenantRecord(id, "Acme GmbH", created));
        (await Tenants.GetTenantAsync(NewTenant(), default)).ShouldBeNull();
    }

    [Fact]
    public async Task Keys_are_found_by_hash_until_revoked()
    {
        var tenant = NewTenant();
        await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), default);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        var key = new ApiKeyRecord(Guid.CreateVersion7(), tenant, "ingest", hash, "ak_12345", "ci", StorageTestEvents.BaseTime, null, ["other-a", "other-b"]);
        var readKey = key with { Id = Guid.CreateVersion7(), Role = "read", KeyHash = hash[..^4] + "beef", AllowedTenants = [] };

        await Tenants.CreateKeyAsync(key, default);
        await Tenants.CreateKeyAsync(readKey, default);
        var found = await Tenants.FindKeyByHashAsync(hash, default);
        var listed = await Tenants.ListKeysAsync(tenant, default);
        var revoked = await Tenants.RevokeKeyAsync(tenant, key.Id, StorageTestEvents.BaseTime.AddDays(1), default);
        var revokedByAnotherTenant = await Tenants.RevokeKeyAsync(NewTenant(), readKey.Id, StorageTestEvents.BaseTime, default);

        found.ShouldNotBeNull();
        (found with { AllowedTenants = [] }).ShouldBe(key with { AllowedTenants = [] });
        found.AllowedTenants.ShouldBe(["other-a", "other-b"]);
        listed.Select(k => k.Id).ToHashSet().SetEquals([key.Id, readKey.Id]).ShouldBeTrue();
        revoked.ShouldBeTrue();
        revokedByAnotherTenant.ShouldBeFalse();
        (await Tenants.FindKeyByHashAsync(hash, default)).ShouldBeNull();
        (await Tenants.FindKeyByHashAsync(readKey.KeyHash, default)).ShouldNotBeNull();
        (await Tenants.FindKeyByHashAsync("0" + hash[1..], default)).ShouldBeNull();
    }

    [Fact]
    public async Task Tenant_and_key_changes_commit_with_the_audit_events_recording_them_or_not_at_all()
    {
        var tenant = NewTenant();
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        var key = new ApiKeyRecord(Guid.CreateVersion7(), tenant, "read", hash, "ak_tx", null, StorageTestEvents.BaseTime, null, []);
        var created = false;
        var revoked = false;
        await RejectInsertsOfActionAsync("REJECTED_BY_DATABASE");
        static AuditEvent Record(string action = "CREATE") => StorageTestEvents.Minimal(StorageTestEvents.BaseTime, action);

        // The record cannot be stored: the tenant is not created.
        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(
            tenant, [Record("REJECTED_BY_DATABASE")], s_received, new AuditInsertHooks(Before: async (_, t, ct) => created = await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), t, ct)), default));
        created.ShouldBeTrue();
        (await Tenants.GetTenantAsync(tenant, default)).ShouldBeNull();

        await Events.InsertAsync(tenant, [Record()], s_received, new AuditInsertHooks(Before: async (_, t, ct) => created = await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), t, ct)), default);
        (await Tenants.GetTenantAsync(tenant, default)).ShouldNotBeNull();
        await Events.InsertAsync(tenant, [Record()], s_received, new AuditInsertHooks(Before: async (_, t, ct) => created = await Tenants.CreateTenantAsync(new TenantRecord(tenant, "Again", StorageTestEvents.BaseTime), t, ct)), default);
        created.ShouldBeFalse();

        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(
            tenant, [Record("REJECTED_BY_DATABASE")], s_received, new AuditInsertHooks(Before: (_, t, ct) => Tenants.CreateKeyAsync(key, t, ct)), default));
        (await Tenants.FindKeyByHashAsync(hash, default)).ShouldBeNull();
        await Events.InsertAsync(tenant, [Record()], s_received, new AuditInsertHooks(Before: (_, t, ct) => Tenants.CreateKeyAsync(key, t, ct)), default);
        (await Tenants.FindKeyByHashAsync(hash, default)).ShouldNotBeNull();

        await Should.ThrowAsync<Exception>(() => Events.InsertAsync(
            tenant, [Record("REJECTED_BY_DATABASE")], s_received, new AuditInsertHooks(Before: async (_, t, ct) => revoked = await Tenants.RevokeKeyAsync(tenant, key.Id, StorageTestEvents.BaseTime, t, ct)), default));
        revoked.ShouldBeTrue();
        (await Tenants.FindKeyByHashAsync(hash, default)).ShouldNotBeNull();
        await Events.InsertAsync(tenant, [Record("DELETE")], s_received, new AuditInsertHooks(Before: async (_, t, ct) => revoked = await Tenants.RevokeKeyAsync(tenant, key.Id, StorageTestEvents.BaseTime, t, ct)), default);
        revoked.ShouldBeTrue();
        (await Tenants.FindKeyByHashAsync(hash, default)).ShouldBeNull();
    }

    [Fact]
    public async Task A_key_hash_is_unique()
    {
        var tenant = NewTenant();
        await Tenants.CreateTenantAsync(new TenantRecord(tenant, "T", StorageTestEvents.BaseTime), default);
        var key = new ApiKeyRecord(Guid.CreateVersion7(), tenant, "read", "hash-" + tenant, "ak_", null, StorageTestEvents.BaseTime, null, []);
        await Tenants.CreateKeyAsync(key, default);

        await Should.ThrowAsync<Exception>(() => Tenants.CreateKeyAsync(key with { Id = Guid.CreateVersion7() }, default));
    }

    // ---- fixtures

    /// <summary>Events spread over every filterable and sortable field, with ties and nulls.</summary>
    private static List<AuditEvent> Varied(int count)
    {
        string[] actions = [AuditActions.Create, AuditActions.Read, AuditActions.Update, AuditActions.Delete, AuditActions.LoginFailed];
        var events = new List<AuditEvent>(count);
        for (var i = 0; i < count; i++)
        {
            // Timestamps repeat (every third event shares its minute) so the id tie-break is exercised.
            var e = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddMinutes(i - (i % 3)));
            e.Action = actions[i % actions.Length];
            e.Category = i % 4 == 0 ? "c1" : "c2";
            e.ResourceType = i % 5 == 0 ? null : (i % 2 == 0 ? "Order" : "Customer");
            e.ResourceId = (i % 3).ToString(CultureInfo.InvariantCulture);
            e.UserId = i % 7 == 0 ? null : "u" + (i % 3).ToString(CultureInfo.InvariantCulture);
            e.Status = (AuditStatus)(i % 3);
            e.Severity = (AuditSeverity)(i % 4);
            e.IpAddress = "10.0.0." + (i % 4).ToString(CultureInfo.InvariantCulture);
            e.ServiceName = i % 2 == 0 ? "svc-a" : "svc-b";
            e.Source = i % 3 == 0 ? AuditSources.EfCore : AuditSources.Http;
            e.TraceId = "trace-" + (i % 5).ToString(CultureInfo.InvariantCulture);
            e.StatusCode = i % 6 == 0 ? null : 200 + (i % 4 * 100);
            e.DurationMs = i % 5 == 1 ? null : (i % 4) * 1.25;
            events.Add(e);
        }

        return events;
    }

    /// <summary>The order the contract promises: by the field (NULLs last ascending, first descending), ties by id.</summary>
    private static List<Guid> ExpectedOrder(IEnumerable<AuditEvent> events, AuditSortField sortBy, bool descending)
    {
        Func<AuditEvent, IComparable?> key = sortBy switch
        {
            AuditSortField.Timestamp => e => e.Timestamp,
            AuditSortField.ReceivedAt => e => e.ReceivedAt,
            AuditSortField.Severity => e => (int)e.Severity,
            AuditSortField.Action => e => e.Action,
            AuditSortField.UserId => e => e.UserId,
            AuditSortField.ResourceType => e => e.ResourceType,
            AuditSortField.StatusCode => e => e.StatusCode,
            AuditSortField.DurationMs => e => e.DurationMs,
            _ => throw new ArgumentOutOfRangeException(nameof(sortBy)),
        };
        var ascending = events.Order(Comparer<AuditEvent>.Create((x, y) =>
        {
            var (a, b) = (key(x), key(y));
            var byKey = (a, b) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => a is string sa ? string.CompareOrdinal(sa, (string)b) : a.CompareTo(b),
            };
            return byKey != 0 ? byKey : string.CompareOrdinal(x.Id.ToString("D").ToUpperInvariant(), y.Id.ToString("D").ToUpperInvariant());
        }));
        return [.. (descending ? ascending.Reverse() : ascending).Select(e => e.Id)];
    }

    private static AuditEvent With(AuditEvent e, Action<AuditEvent> change)
    {
        change(e);
        return e;
    }

    private static JsonNode? Json(IList<AuditChange>? changes) =>
        changes is null ? null : JsonSerializer.SerializeToNode(changes.ToList(), AuditStorageJsonContext.Stored.ListAuditChange);
}
