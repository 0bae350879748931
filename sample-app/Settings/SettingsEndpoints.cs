
namespace AuditKit.SampleApp.Settings;

/// <summary>The administrators' settings: <c>GET /api/admin/settings</c>, <c>PUT /api/admin/settings/{key}</c> <c>{"value"}</c> (CONFIG_UPDATE).</summary>
public static class SettingsEndpoints
{
    public static IEndpointRouteBuilder MapSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.MapGroup("/api/admin/settings")
            .RequireAuthorization(SampleAuthorization.AdminPolicy)
            .WithAuditing(resource: "Setting");

        settings.MapGet(string.Empty, async (SettingsService service, CancellationToken cancellationToken) => Results.Ok(await service.ListAsync(cancellationToken)));
        settings.MapPut("/{key}", async (string key, SettingRequest request, SettingsService service, CancellationToken cancellationToken) =>
        {
            if (request.Value is not { Length: > 0 and <= 500 } value)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["value"] = ["A value of 1 to 500 characters is required."] });
            }

            return await service.ChangeAsync(key, value, cancellationToken) is { } setting ? Results.Ok(setting) : Results.NotFound();
        }).WithAuditing(action: AuditActions.ConfigUpdate, resourceIdRouteValue: "key");
        return endpoints;
    }

    public sealed record SettingRequest(string? Value);
}
