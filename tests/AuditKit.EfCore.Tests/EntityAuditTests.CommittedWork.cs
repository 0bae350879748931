namespace AuditKit.EfCore.Tests;

public abstract partial class EntityAuditTests
{
    // ---- Only committed work ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_save_emits_one_FAILURE_and_no_change_events(bool async)
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);
        context.Tags.Add(new Tag { Label = Unique("t") });

        await Should.ThrowAsync<DbUpdateException>(() => Save(context, async));

        var failure = harness.Sink.Events.ShouldHaveSingleItem();
        failure.Status.ShouldBe(AuditStatus.Failure);
        failure.Severity.ShouldBe(AuditSeverity.High);
        failure.Action.ShouldBe("SAVE_CHANGES");
        failure.Metadata!["entities"]!.AsArray().ShouldAllBe(e => e!["id"] == null, "keys the database never assigned are not reported");
        failure.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
        failure.ErrorCode.ShouldNotBeNullOrWhiteSpace();
        failure.Metadata!["entity_count"]!.GetValue<int>().ShouldBe(2);
        failure.Changes.ShouldBeNull();
        failure.NewValues.ShouldBeNull();
        harness.Sink.ContractViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Failure_events_can_be_turned_off()
    {
        using var harness = new AuditHarness(Database, o => o.RecordFailedSaves = false);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);

        await Should.ThrowAsync<DbUpdateException>(() => context.SaveChangesAsync());

        harness.Sink.Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inside_a_transaction_events_wait_for_the_commit(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using var transaction = async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();

        context.Customers.Add(NewCustomer());
        await Save(context, async);
        context.Customers.Add(NewCustomer());
        await Save(context, async);
        harness.Sink.Events.ShouldBeEmpty();

        if (async)
        {
            await transaction.CommitAsync();
        }
        else
        {
            transaction.Commit();
        }

        harness.Sink.Events.Count.ShouldBe(2);
        harness.Sink.Events.ShouldAllBe(e => e.Action == AuditActions.Create);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_of_a_rolled_back_transaction_are_discarded(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Customers.Add(NewCustomer());
            await Save(context, async);
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

        context.ChangeTracker.Clear();
        var later = NewCustomer();
        context.Customers.Add(later);
        await Save(context, async);
        harness.Sink.Events.ShouldHaveSingleItem().NewValues!["Name"]!.GetValue<string>().ShouldBe(later.Name);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_emits_nothing()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using (await context.Database.BeginTransactionAsync())
        {
            context.Customers.Add(NewCustomer());
            await context.SaveChangesAsync();
        }

        context.ChangeTracker.Clear();
        var later = NewCustomer();
        context.Customers.Add(later);
        await context.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().NewValues!["Name"]!.GetValue<string>().ShouldBe(later.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rolling_back_to_a_savepoint_discards_only_the_work_after_it(bool async)
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var kept = NewCustomer();
        var undone = NewCustomer();
        var after = NewCustomer();

        context.Customers.Add(kept);
        await Save(context, async);
        if (async)
        {
            await transaction.CreateSavepointAsync("before_undone");
        }
        else
        {
            transaction.CreateSavepoint("before_undone");
        }

        context.Customers.Add(undone);
        await Save(context, async);
        if (async)
        {
            await transaction.RollbackToSavepointAsync("before_undone");
        }
        else
        {
            transaction.RollbackToSavepoint("before_undone");
        }

        // The database forgot the row (and may hand its key out again); the change tracker has to be told.
        context.Entry(undone).State = EntityState.Detached;

        context.Customers.Add(after);
        await Save(context, async);
        await transaction.CommitAsync();

        harness.Sink.Events.Select(e => e.NewValues!["Name"]!.GetValue<string>()).ShouldBe([kept.Name, after.Name]);
        await using var check = harness.PlainContext();
        (await check.Customers.AnyAsync(c => c.Email == undone.Email)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_failed_save_inside_a_transaction_keeps_the_earlier_work_of_the_transaction()
    {
        using var harness = new AuditHarness(Database);
        var seeded = await Seed(harness);
        await using var context = harness.NewContext();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var good = NewCustomer();
        context.Customers.Add(good);
        await context.SaveChangesAsync();

        var duplicate = NewCustomer();
        duplicate.Email = seeded.Email;
        context.Customers.Add(duplicate);
        await Should.ThrowAsync<DbUpdateException>(() => context.SaveChangesAsync());
        context.Entry(duplicate).State = EntityState.Detached;

        harness.Sink.Events.ShouldHaveSingleItem().Status.ShouldBe(AuditStatus.Failure);
        await transaction.CommitAsync();

        harness.Sink.Events.Count.ShouldBe(2);
        harness.Sink.Events[^1].Action.ShouldBe(AuditActions.Create);
        harness.Sink.Events[^1].NewValues!["Name"]!.GetValue<string>().ShouldBe(good.Name);
    }

    [Fact]
    public async Task Execution_strategy_retries_do_not_duplicate_events()
    {
        using var harness = new AuditHarness(Database);
        var flaky = new FlakyCommands(failures: 1);
        await using var context = harness.NewContext(retrying: true, flaky);
        context.Customers.Add(NewCustomer());

        await context.SaveChangesAsync();

        flaky.Failed.ShouldBe(1);
        harness.Sink.Events.ShouldHaveSingleItem().Action.ShouldBe(AuditActions.Create);
    }

    [Fact]
    public async Task A_retried_transaction_emits_the_events_of_the_attempt_that_committed_only()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext(retrying: true);
        var tag = new Tag { Label = Unique("retried") };
        context.Tags.Add(tag);
        var attempts = 0;

        await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await context.SaveChangesAsync(acceptAllChangesOnSuccess: false);
            if (++attempts == 1)
            {
                throw new TransientTestException();
            }

            await transaction.CommitAsync();
        });
        context.ChangeTracker.AcceptAllChanges();

        attempts.ShouldBe(2);
        var auditEvent = harness.Sink.Events.ShouldHaveSingleItem();
        auditEvent.ResourceId.ShouldBe(tag.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
