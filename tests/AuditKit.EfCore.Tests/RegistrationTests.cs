using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuditKit.EfCore.Tests;

/// <summary>How applications wire the interceptor in: DI, pooling, factories, plain AddInterceptors, hosts and workers.</summary>
public sealed class RegistrationTests(SqliteShopDatabase database) : IClassFixture<SqliteShopDatabase>
{
    [Fact]
    public async Task A_sink_that_throws_never_fails_the_save()
    {
        await using var services = AuditedServices(
            new ThrowingAuditSink(),
            s => s.AddDbContext<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp)));
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
        context.Customers.Add(NewCustomer("saved-despite-the-sink"));

        (await context.SaveChangesAsync()).ShouldBe(1);
        (await context.Customers.AsNoTracking().CountAsync(c => c.Name == "saved-despite-the-sink")).ShouldBe(1);
    }

    private sealed class ThrowingAuditSink : IAuditSink
    {
        public bool TryWrite(AuditEvent auditEvent) => throw new InvalidOperationException("sink is broken");
    }

    [Fact]
    public async Task Pooled_contexts_keep_each_lease_s_user_and_never_leak_state_between_leases()
    {
        var sink = new CollectingAuditSink();
        var services = AuditedServices(
            sink,
            s => s.AddDbContextPool<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp), poolSize: 2));
        var accessor = services.GetRequiredService<IAuditContextAccessor>();

        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var userScope = accessor.BeginScope(new AuditContext { UserId = $"user-{i}", TenantId = "pool" });
            await SaveCustomerInScopeAsync(services, $"pooled-{i}");
        }));
        await Task.WhenAll(writers);

        sink.Events.Count.ShouldBe(8);
        foreach (var auditEvent in sink.Events)
        {
            auditEvent.UserId.ShouldBe("user-" + CustomerName(auditEvent)["pooled-".Length..]);
        }
    }

    [Fact]
    public async Task A_pooled_context_returned_with_an_uncommitted_transaction_does_not_carry_its_events_to_the_next_lease()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(
            sink,
            s => s.AddDbContextPool<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp), poolSize: 1));

        ShopContext firstLease;
        await using (var scope = services.CreateAsyncScope())
        {
            firstLease = scope.ServiceProvider.GetRequiredService<ShopContext>();
            await firstLease.Database.BeginTransactionAsync();
            firstLease.Customers.Add(NewCustomer("abandoned"));
            await firstLease.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var secondLease = scope.ServiceProvider.GetRequiredService<ShopContext>();
            secondLease.ShouldBeSameAs(firstLease);
            secondLease.Customers.Add(NewCustomer("second-lease"));
            await secondLease.SaveChangesAsync();
        }

        CustomerName(sink.Events.ShouldHaveSingleItem()).ShouldBe("second-lease");
    }

    [Fact]
    public async Task Context_factories_are_audited()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(
            sink,
            s => s.AddDbContextFactory<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp)));

        await SaveCustomersFromFactoryAsync(services, "from-factory");

        CustomerName(sink.Events.ShouldHaveSingleItem()).ShouldBe("from-factory");
    }

    [Fact]
    public async Task Pooled_context_factories_are_audited()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(
            sink,
            s => s.AddPooledDbContextFactory<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp)));

        await SaveCustomersFromFactoryAsync(services, "pooled-factory-0", "pooled-factory-1", "pooled-factory-2");

        sink.Events.Count.ShouldBe(3);
    }

    [Fact]
    public async Task AddInterceptors_with_the_auditing_interceptors_works_and_they_are_shared()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(sink);
        var interceptors = services.GetAuditingInterceptors();
        services.GetAuditingInterceptors().ShouldBe(interceptors);
        interceptors.Length.ShouldBe(3);

        var builder = new DbContextOptionsBuilder<ShopContext>();
        database.Configure(builder);
        builder.AddInterceptors(interceptors);
        await using var context = new ShopContext(builder.Options);
        context.Customers.Add(NewCustomer("manual"));
        await context.SaveChangesAsync();

        sink.Events.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task With_an_application_built_EF_service_provider_bulk_commands_of_audited_contexts_only_are_captured()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(sink);
        await using var efServices = new ServiceCollection().AddEntityFrameworkSqlite().BuildServiceProvider();
        ShopContext NewContext(bool audited)
        {
            var builder = new DbContextOptionsBuilder<ShopContext>().UseInternalServiceProvider(efServices).Configure(database);
            return new ShopContext(audited ? builder.AddEntityAuditing(services).Options : builder.Options);
        }

        await using (var context = NewContext(audited: false))
        {
            context.Customers.AddRange(NewCustomer("internal-1"), NewCustomer("internal-2"), NewCustomer("internal-3"));
            await context.SaveChangesAsync();
            (await context.Customers.Where(c => c.Name == "internal-1").ExecuteDeleteAsync()).ShouldBe(1);
        }

        await using (var context = NewContext(audited: true))
        {
            (await context.Customers.Where(c => c.Name == "internal-2").ExecuteDeleteAsync()).ShouldBe(1);
        }

        await using (var context = NewContext(audited: false))
        {
            (await context.Customers.Where(c => c.Name == "internal-3").ExecuteDeleteAsync()).ShouldBe(1);
        }

        var auditEvent = sink.Events.ShouldHaveSingleItem();
        auditEvent.Source.ShouldBe(AuditSources.Bulk);
        auditEvent.Metadata!["rows_affected"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task With_a_command_logger_of_the_application_s_own_bulk_commands_are_still_captured()
    {
        var sink = new CollectingAuditSink();
        await using var services = AuditedServices(sink);
        var builder = new DbContextOptionsBuilder<ShopContext>().Configure(database);
        builder.ReplaceService<IRelationalCommandDiagnosticsLogger, CustomCommandLogger>();
        builder.AddEntityAuditing(services);
        await using var context = new ShopContext(builder.Options);
        context.Customers.Add(NewCustomer("own-logger"));
        await context.SaveChangesAsync();

        (await context.Customers.Where(c => c.Name == "own-logger").ExecuteDeleteAsync()).ShouldBe(1);

        context.GetService<IRelationalCommandDiagnosticsLogger>().ShouldBeOfType<CustomCommandLogger>();
        sink.Events.Select(e => e.Source).ShouldBe([AuditSources.EfCore, AuditSources.Bulk]);
    }

#pragma warning disable EF1001 // An application's own command logger, as some profilers install.
    private sealed class CustomCommandLogger(
        Microsoft.Extensions.Logging.ILoggerFactory loggerFactory,
        ILoggingOptions loggingOptions,
        System.Diagnostics.DiagnosticSource diagnosticSource,
        LoggingDefinitions loggingDefinitions,
        IDbContextLogger contextLogger,
        Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions contextOptions,
        IInterceptors? interceptors = null)
        : Microsoft.EntityFrameworkCore.Diagnostics.Internal.RelationalCommandDiagnosticsLogger(
            loggerFactory, loggingOptions, diagnosticSource, loggingDefinitions, contextLogger, contextOptions, interceptors);
#pragma warning restore EF1001

    [Fact]
    public async Task Shared_interceptors_keep_the_state_of_each_context_apart()
    {
        // SQLite allows one writer per file: the second context writes to a database of its own.
        using var otherDatabase = new SqliteShopDatabase();
        using var harness = new AuditHarness(database);
        await using var inTransaction = harness.NewContext();
        await using var outside = new ShopContext(
            new DbContextOptionsBuilder<ShopContext>().Configure(otherDatabase).AddEntityAuditing(harness.Services).Options);
        await using var transaction = await inTransaction.Database.BeginTransactionAsync();

        inTransaction.Customers.Add(NewCustomer("held"));
        await inTransaction.SaveChangesAsync();
        outside.Tags.Add(new Tag { Label = "now" });
        await outside.SaveChangesAsync();

        harness.Sink.Events.ShouldHaveSingleItem().ResourceType.ShouldBe(nameof(Tag));
        await transaction.CommitAsync();
        harness.Sink.Events.Count.ShouldBe(2);
        harness.Sink.Events[^1].ResourceType.ShouldBe(nameof(Customer));
    }

    [Fact]
    public async Task Many_contexts_do_not_make_EF_Core_build_many_service_providers()
    {
        using var harness = new AuditHarness(database);
        for (var i = 0; i < 25; i++)
        {
            var builder = new DbContextOptionsBuilder<ShopContext>();
            database.Configure(builder);
            builder.AddEntityAuditing(harness.Services)
                .ConfigureWarnings(w => w.Throw(CoreEventId.ManyServiceProvidersCreatedWarning));
            await using var context = new ShopContext(builder.Options);
            (await context.Customers.CountAsync(c => c.Id < 0)).ShouldBe(0);
        }
    }

    [Fact]
    public async Task Without_AddEntityAuditing_a_registered_sink_is_enough_and_defaults_mask()
    {
        var sink = new CollectingAuditSink();
        await using var services = new ServiceCollection().AddSingleton<IAuditSink>(sink).BuildServiceProvider();
        var builder = new DbContextOptionsBuilder<ShopContext>();
        database.Configure(builder);
        builder.AddEntityAuditing(services);

        await using (var context = new ShopContext(builder.Options))
        {
            context.Customers.Add(NewCustomer("defaults"));
            await context.SaveChangesAsync();
        }

        var auditEvent = sink.Events.ShouldHaveSingleItem();
        auditEvent.NewValues!["Ssn"]!.GetValue<string>().ShouldBe("*******6789");
        auditEvent.NewValues["PasswordHash"]!.GetValue<string>().ShouldBe("***");
        auditEvent.NewValues["TaxId"]!.GetValue<string>().ShouldBe("TAX-1");
        services.GetAuditingInterceptors().ShouldBe(services.GetAuditingInterceptors());
    }

    [Fact]
    public void Without_a_sink_adding_auditing_says_what_is_missing()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var builder = new DbContextOptionsBuilder<ShopContext>();

        Should.Throw<InvalidOperationException>(() => builder.AddEntityAuditing(services)).Message.ShouldContain(nameof(IAuditSink));
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_from_starting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IAuditSink>(new CollectingAuditSink());
        builder.Services.AddEntityAuditing(o => o.Entity<Customer>(e => e.Mask(c => c.TaxId, MaskStyle.Hash)));
        using var host = builder.Build();

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        failure.Message.ShouldContain("HmacKey");
    }

    [Fact]
    public void Invalid_options_fail_the_first_context_outside_a_host()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IAuditSink>(new CollectingAuditSink())
            .AddEntityAuditing(o => o.MaxValueLength = 1)
            .BuildServiceProvider();
        var builder = new DbContextOptionsBuilder<ShopContext>();

        Should.Throw<OptionsValidationException>(() => builder.AddEntityAuditing(services)).Message.ShouldContain("MaxValueLength");
    }

    [Fact]
    public void Selectors_must_name_a_property()
    {
        var options = new EntityAuditOptions();

        Should.Throw<ArgumentException>(() => options.Entity<Customer>(e => e.Mask(c => c.Name.Length > 3)));
    }

    [Fact]
    public async Task An_app_without_request_auditing_binds_masking_and_entity_rules_from_the_AuditKit_section()
    {
        var sink = new CollectingAuditSink();
        using var host = await StartAuditedHostAsync(sink, new Dictionary<string, string?>
        {
            ["AuditKit:Masking:RedactedText"] = "[hidden-by-config]",
            ["AuditKit:Entities:WriteSeverity"] = "High",
        });

        await SaveCustomerInScopeAsync(host.Services, "configured-masking");

        await host.StopAsync();
        var auditEvent = sink.Events.ShouldHaveSingleItem();
        auditEvent.NewValues!["PasswordHash"]!.GetValue<string>().ShouldBe("[hidden-by-config]");
        auditEvent.Severity.ShouldBe(AuditSeverity.High);
    }

    [Fact]
    public async Task A_worker_outside_ASP_NET_Core_stamps_events_from_its_audit_context_scope()
    {
        var sink = new CollectingAuditSink();
        using var host = await StartAuditedHostAsync(sink);

        var accessor = host.Services.GetRequiredService<IAuditContextAccessor>();
        using (accessor.BeginScope(new AuditContext { UserId = "nightly-job", TenantId = "tenant-w", RequestId = "job-2026-01-01" }))
        {
            await SaveCustomerInScopeAsync(host.Services, "imported");
        }

        await host.StopAsync();
        var auditEvent = sink.Events.ShouldHaveSingleItem();
        auditEvent.UserId.ShouldBe("nightly-job");
        auditEvent.TenantId.ShouldBe("tenant-w");
        auditEvent.RequestId.ShouldBe("job-2026-01-01");
    }

    [Fact]
    public async Task Events_are_stamped_by_the_registered_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var sink = new CollectingAuditSink();
        await using var services = new ServiceCollection()
            .AddSingleton<IAuditSink>(sink)
            .AddSingleton<TimeProvider>(time)
            .AddEntityAuditing()
            .BuildServiceProvider();
        await using var context = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Configure(database).AddEntityAuditing(services).Options);

        context.Customers.Add(NewCustomer("timed"));
        await context.SaveChangesAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        context.Tags.Add(new Tag { Label = "later" });
        await context.SaveChangesAsync();

        sink.Events.Select(e => e.Timestamp).ShouldBe([time.Start, time.Start.AddMinutes(5)]);
        sink.Events[0].Id.ToByteArray(bigEndian: true)[..6].ShouldBe(BitConverter.GetBytes(time.Start.ToUnixTimeMilliseconds()).Take(6).Reverse().ToArray());
    }

    [Fact]
    public async Task A_sink_that_refuses_events_never_fails_the_save()
    {
        using var harness = new AuditHarness(database);
        harness.Sink.Accept = false;
        await using var context = harness.NewContext();
        var customer = NewCustomer("refused");
        context.Customers.Add(customer);

        await context.SaveChangesAsync();

        customer.Id.ShouldBeGreaterThan(0);
        harness.Sink.Events.ShouldBeEmpty();
    }

    // The sink and entity auditing as an application registers them, and the context as registerContext adds it.
    private static ServiceProvider AuditedServices(IAuditSink sink, Func<IServiceCollection, IServiceCollection>? registerContext = null) =>
        (registerContext ?? (static services => services))(new ServiceCollection().AddSingleton(sink).AddEntityAuditing()).BuildServiceProvider();

    // A generic host with the sink, entity auditing and the context registered as an application does, started.
    private async Task<IHost> StartAuditedHostAsync(IAuditSink sink, Dictionary<string, string?>? configuration = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Services.AddSingleton(sink);
        builder.Services.AddEntityAuditing();
        builder.Services.AddDbContext<ShopContext>((sp, o) => o.Configure(database).AddEntityAuditing(sp));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    // Saves a new customer through the context of a scope of services, as a request or a job does.
    private static async Task SaveCustomerInScopeAsync(IServiceProvider services, string name)
    {
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
        context.Customers.Add(NewCustomer(name));
        await context.SaveChangesAsync();
    }

    // Saves a new customer of each name, each through a context of its own from the registered context factory.
    private static async Task SaveCustomersFromFactoryAsync(IServiceProvider services, params string[] names)
    {
        var factory = services.GetRequiredService<IDbContextFactory<ShopContext>>();
        foreach (var name in names)
        {
            await using var context = await factory.CreateDbContextAsync();
            context.Customers.Add(NewCustomer(name));
            await context.SaveChangesAsync();
        }
    }

    private static string CustomerName(AuditEvent auditEvent) => auditEvent.NewValues!["Name"]!.GetValue<string>();

    private static Customer NewCustomer(string name) => new()
    {
        Name = name,
        Email = Guid.NewGuid().ToString("N") + "@example.com",
        Ssn = "123-45-6789",
        PasswordHash = "pbkdf2-hash",
        TaxId = "TAX-1",
        Address = new Address { Street = "1 Main Street", City = "Paris" },
    };
}

internal static class ShopOptions
{
    public static DbContextOptionsBuilder Configure(this DbContextOptionsBuilder builder, ShopDatabase database)
    {
        database.Configure(builder);
        return builder;
    }

    public static DbContextOptionsBuilder<TContext> Configure<TContext>(this DbContextOptionsBuilder<TContext> builder, ShopDatabase database)
        where TContext : DbContext
    {
        database.Configure(builder);
        return builder;
    }
}
