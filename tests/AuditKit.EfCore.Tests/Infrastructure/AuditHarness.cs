namespace AuditKit.EfCore.Tests.Infrastructure;

/// <summary>
/// One test's application: its own service provider (sink, options, masking key) and contexts on a shared database,
/// built the way an application does it (<c>AddEntityAuditing</c> + <c>AddEntityAuditing(serviceProvider)</c>).
/// </summary>
public sealed class AuditHarness : IDisposable
{
    public const string HmacKey = "audit-test-hmac-key-0123456789";

    private readonly ShopDatabase _database;
    private readonly ServiceProvider _services;

    public AuditHarness(ShopDatabase database, Action<EntityAuditOptions>? configure = null)
    {
        _database = database;
        var services = new ServiceCollection();
        services.AddSingleton<IAuditSink>(Sink);
        services.Configure<AuditMaskingOptions>(o => o.HmacKey = HmacKey);
        services.AddEntityAuditing(configure ?? DefaultOptions);
        if (database.Internals is { } internals)
        {
            services.AddSingleton(internals);
        }
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public CollectingAuditSink Sink { get; } = new();

    public IServiceProvider Services => _services;

    /// <summary>The rules most tests run with.</summary>
    public static void DefaultOptions(EntityAuditOptions o)
    {
        o.SoftDeleteProperty = nameof(Customer.IsDeleted);
        o.Entity<Customer>(e => e
            .Mask(c => c.TaxId, MaskStyle.Hash)
            .Ignore(c => c.Photo)
            .Mask(c => c.Shipping!.PostalCode, partial: 2)
            .Category("customer")
            .Tags("GDPR"));
    }

    public ShopContext NewContext(bool retrying = false, params IInterceptor[] interceptors)
    {
        var builder = new DbContextOptionsBuilder<ShopContext>();
        _database.Configure(builder, retrying);
        builder.AddEntityAuditing(_services);
        if (interceptors.Length > 0)
        {
            builder.AddInterceptors(interceptors);
        }

        return new ShopContext(builder.Options);
    }

    /// <summary>A context without auditing, to arrange data or read it back.</summary>
    public ShopContext PlainContext()
    {
        var builder = new DbContextOptionsBuilder<ShopContext>();
        _database.Configure(builder);
        return new ShopContext(builder.Options);
    }

    public void Dispose() => _services.Dispose();
}
