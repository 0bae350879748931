namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- Bulk commands ------------------------------------------------------------------------------------------

    [Fact]
    public async Task ExecuteUpdate_is_a_bulk_event_with_rows_affected_and_masked_SQL()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("bulk");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await Seed(harness, marker + "-c");
        await using var context = harness.NewContext();
        var newSsn = "555-44-3333";

        var rows = await context.Customers
            .Where(c => c.Name.StartsWith(marker) && c.Email != "literal-secret@example.com")
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Ssn, newSsn).SetProperty(c => c.Tier, CustomerTier.Gold));

        rows.ShouldBe(3);
        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.Bulk);
        auditEvent.Action.ShouldBe(AuditActions.Update);
        auditEvent.ResourceType.ShouldBe(nameof(Customer));
        auditEvent.Severity.ShouldBe(AuditSeverity.High);
        var metadata = auditEvent.Metadata!;
        metadata["operation"]!.GetValue<string>().ShouldBe("ExecuteUpdate");
        metadata["table"]!.GetValue<string>().ShouldBe("Customers");
        metadata["rows_affected"]!.GetValue<int>().ShouldBe(3);
        metadata["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldContain("Ssn");
        var sql = metadata["sql"]!.GetValue<string>();
        sql.ShouldContain("UPDATE");
        sql.ShouldNotContain("literal-secret");
        var parameters = metadata["parameters"]!.AsObject();
        parameters.Count.ShouldBeGreaterThan(0);
        parameters.Select(p => p.Value?.GetValue<string>()).ShouldAllBe(value => value == null || value == "***");
        var json = JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent);
        json.ShouldNotContain(newSsn);
        json.ShouldNotContain(marker);
    }

    [Fact]
    public async Task ExecuteDelete_is_a_bulk_DELETE_with_rows_affected()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("gone");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using var context = harness.NewContext();

        await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync();

        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.Bulk);
        auditEvent.Action.ShouldBe(AuditActions.Delete);
        auditEvent.Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(2);
        auditEvent.Metadata["operation"]!.GetValue<string>().ShouldBe("ExecuteDelete");
    }

    [Fact]
    public async Task A_bulk_command_in_a_rolled_back_transaction_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("kept");
        await Seed(harness, marker);
        await using var context = harness.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            (await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync()).ShouldBe(1);
            await transaction.RollbackAsync();
        }

        harness.Sink.Events.ShouldBeEmpty();

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync();
            harness.Sink.Events.ShouldBeEmpty();
            await transaction.CommitAsync();
        }

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bulk_commands_are_seen_without_a_command_interceptor_sync_and_async(bool async)
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("seen");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using var context = harness.NewContext();
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors!
            .ShouldNotContain(i => i is IDbCommandInterceptor);

        var updated = async
            ? await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Tier, CustomerTier.Gold))
            : context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteUpdate(s => s.SetProperty(c => c.Tier, CustomerTier.Gold));
        var deleted = async
            ? await context.Customers.Where(c => c.Name == marker + "-a").ExecuteDeleteAsync()
            : context.Customers.Where(c => c.Name == marker + "-a").ExecuteDelete();

        (updated, deleted).ShouldBe((2, 1));
        harness.Sink.Events.Select(e => (e.Source, e.Action, e.Metadata!["rows_affected"]!.GetValue<int>()))
            .ShouldBe([(AuditSources.Bulk, AuditActions.Update, 2), (AuditSources.Bulk, AuditActions.Delete, 1)]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bulk_command_waits_for_the_commit_and_is_dropped_on_rollback_sync_and_async(bool async)
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("held");
        await Seed(harness, marker);
        await using var context = harness.NewContext();

        using (var transaction = context.Database.BeginTransaction())
        {
            var rows = async
                ? await context.Customers.Where(c => c.Name == marker).ExecuteUpdateAsync(s => s.SetProperty(c => c.Rank, 1))
                : context.Customers.Where(c => c.Name == marker).ExecuteUpdate(s => s.SetProperty(c => c.Rank, 1));
            rows.ShouldBe(1);
            if (async)
            {
                await transaction.RollbackAsync();
            }
            else
            {
                transaction.Rollback();
            }
        }

        harness.Sink.Events.ShouldBeEmpty();

        using (var transaction = context.Database.BeginTransaction())
        {
            var rows = async
                ? await context.Customers.Where(c => c.Name == marker).ExecuteUpdateAsync(s => s.SetProperty(c => c.Rank, 2))
                : context.Customers.Where(c => c.Name == marker).ExecuteUpdate(s => s.SetProperty(c => c.Rank, 2));
            rows.ShouldBe(1);
            harness.Sink.Events.ShouldBeEmpty();
            if (async)
            {
                await transaction.CommitAsync();
            }
            else
            {
                transaction.Commit();
            }
        }

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Fact]
    public async Task A_bulk_command_right_after_a_failed_command_is_still_seen()
    {
        // EF Core stops asking its diagnostic listeners for a while after a command that no one listened to; a
        // failed command must not open such a gap.
        using var harness = new AuditHarness(Database);
        var marker = Unique("after-failure");
        await Seed(harness, marker);
        await using var context = harness.NewContext();

        await Should.ThrowAsync<Exception>(() => context.Database.ExecuteSqlRawAsync("UPDATE no_such_table SET x = 1"));
        Should.Throw<Exception>(() => context.Database.ExecuteSqlRaw("UPDATE no_such_table SET x = 1"));
        (await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()).ShouldBe(1);

        harness.Sink.Events.ShouldHaveSingleItem().Source.ShouldBe(AuditSources.Bulk);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bulk_command_right_after_SaveChanges_and_a_query_is_seen(bool async)
    {
        // SaveChanges' commands are left to EF Core's "nobody listens" pause; the bulk command that follows at once
        // must not fall in it.
        using var harness = new AuditHarness(Database);
        var marker = Unique("right-after");
        await using var context = harness.NewContext();
        context.Customers.Add(NewCustomer(marker));
        context.Customers.Add(NewCustomer(marker + "-kept"));

        await Save(context, async);
        (await context.Customers.CountAsync(c => c.Name.StartsWith(marker))).ShouldBe(2);
        var rows = async
            ? await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()
            : context.Customers.Where(c => c.Name == marker).ExecuteDelete();

        rows.ShouldBe(1);
        harness.Sink.Events.Select(e => e.Source).ShouldBe([AuditSources.EfCore, AuditSources.EfCore, AuditSources.Bulk]);
    }

    [Fact]
    public async Task A_bulk_command_after_a_save_that_never_began_is_seen()
    {
        // A SaveChanges interceptor after auditing throws: EF Core ends that save without any completion hook. The
        // context must not be taken for one still saving, or its bulk commands fall in EF Core's pause.
        using var harness = new AuditHarness(Database);
        var marker = Unique("never-began");
        var refusing = new RefuseFirstSave();
        await using var context = harness.NewContext(retrying: false, refusing);
        context.Customers.Add(NewCustomer(marker));
        await Should.ThrowAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        await context.SaveChangesAsync();
        (await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()).ShouldBe(1);

        harness.Sink.Events.Select(e => e.Source).ShouldBe([AuditSources.EfCore, AuditSources.Bulk]);
    }

    [Fact]
    public async Task A_retried_bulk_command_emits_one_event()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("retried-bulk");
        await Seed(harness, marker);
        var flaky = new FlakyCommands(failures: 1, CommandSource.ExecuteDelete);
        await using var context = harness.NewContext(retrying: true, flaky);

        (await context.Customers.Where(c => c.Name == marker).ExecuteDeleteAsync()).ShouldBe(1);

        flaky.Failed.ShouldBe(1);
        harness.Sink.Events.ShouldHaveSingleItem().Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Contexts_without_auditing_are_never_audited_whatever_their_type()
    {
        using var harness = new AuditHarness(Database);
        var marker = Unique("plain");
        await Seed(harness, marker + "-a");
        await Seed(harness, marker + "-b");
        await using (var audited = harness.NewContext())
        {
            (await audited.Customers.Where(c => c.Name == marker + "-a").ExecuteDeleteAsync()).ShouldBe(1);
            if (Database.Internals is null)
            {
                audited.GetService<IRelationalCommandDiagnosticsLogger>().ShouldBeOfType<AuditingCommandDiagnosticsLogger>();
                BulkCommandListener.IsObserved(audited.GetService<DiagnosticSource>()).ShouldBeFalse();
            }
            else
            {
                audited.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
                BulkCommandListener.IsObserved(audited.GetService<DiagnosticSource>()).ShouldBeTrue();
            }
        }

        await using (var plain = harness.PlainContext())
        {
            (await plain.Customers.Where(c => c.Name == marker + "-b").ExecuteDeleteAsync()).ShouldBe(1);
            plain.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
            BulkCommandListener.IsObserved(plain.GetService<DiagnosticSource>()).ShouldBeFalse();
        }

        var orderId = Random.Shared.Next(1, int.MaxValue);
        var builder = new DbContextOptionsBuilder<OrderBookContext>();
        Database.Configure(builder);
        await using (var other = new OrderBookContext(builder.Options))
        {
            other.OrderLines.Add(new OrderLine { OrderId = orderId, LineNo = 1, Product = "p" });
            await other.SaveChangesAsync();
            (await other.OrderLines.Where(l => l.OrderId == orderId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Quantity, 2))).ShouldBe(1);
            (await other.OrderLines.Where(l => l.OrderId == orderId).ExecuteDeleteAsync()).ShouldBe(1);
        }

        harness.Sink.Events.ShouldHaveSingleItem().Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Audited_contexts_with_different_options_each_reach_their_own_auditor()
    {
        using var first = new AuditHarness(Database);
        using var second = new AuditHarness(Database, o => o.Exclude<Tag>());
        var marker = Unique("own");
        await Seed(first, marker + "-1");
        await Seed(first, marker + "-2");
        await using var firstContext = first.NewContext();
        await using var secondContext = second.NewContext();

        (await firstContext.Customers.Where(c => c.Name == marker + "-1").ExecuteDeleteAsync()).ShouldBe(1);
        (await secondContext.Customers.Where(c => c.Name == marker + "-2").ExecuteDeleteAsync()).ShouldBe(1);
        await secondContext.Tags.Where(t => t.Label == marker).ExecuteDeleteAsync();
        await firstContext.Tags.Where(t => t.Label == marker).ExecuteDeleteAsync();

        // One EF Core service provider serves both; the auditor comes from each context's options.
        secondContext.GetService<DiagnosticSource>().ShouldBeSameAs(firstContext.GetService<DiagnosticSource>());
        first.Sink.Events.Select(e => e.ResourceType).ShouldBe([nameof(Customer), nameof(Tag)]);
        second.Sink.Events.ShouldHaveSingleItem().ResourceType.ShouldBe(nameof(Customer));
    }

    [Fact]
    public async Task Bulk_commands_on_excluded_entities_emit_nothing()
    {
        using var harness = new AuditHarness(Database, o => o.Exclude<Tag>());
        await using var context = harness.NewContext();
        var label = Unique("none");

        await context.Tags.Where(t => t.Label == label).ExecuteDeleteAsync();

        harness.Sink.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_bulk_capture_no_command_interceptor_is_registered()
    {
        using var harness = new AuditHarness(Database, o => o.CaptureBulkOperations = false);
        harness.Services.GetAuditingInterceptors().ShouldNotContain(i => i is IDbCommandInterceptor);
        var marker = Unique("unseen");
        await Seed(harness, marker);
        await using var context = harness.NewContext();
        context.GetService<IDbContextOptions>().FindExtension<AuditingOptionsExtension>().ShouldBeNull();
        context.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
        BulkCommandListener.IsObserved(context.GetService<DiagnosticSource>()).ShouldBeFalse();

        (await context.Customers.Where(c => c.Name.StartsWith(marker)).ExecuteDeleteAsync()).ShouldBe(1);

        harness.Sink.Events.ShouldBeEmpty();
    }

    private sealed class RefuseFirstSave : SaveChangesInterceptor
    {
        private int _calls;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData,
            InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
            => Interlocked.Increment(ref _calls) == 1
                ? throw new InvalidOperationException("refused before the save began")
                : ValueTask.FromResult(result);
    }
}
