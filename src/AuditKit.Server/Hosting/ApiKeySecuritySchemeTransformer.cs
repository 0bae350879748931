using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AuditKit.Server.Hosting;

/// <summary>
/// Describes API key authentication in the OpenAPI document (as a bearer token and as the <c>X-Api-Key</c> header)
/// and marks the operations that need a key, so the browsable reference can send one.
/// </summary>
internal sealed class ApiKeySecuritySchemeTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private const string BearerSchemeName = "ApiKeyBearer";
    private const string HeaderSchemeName = "ApiKeyHeader";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "AuditKit server";
        document.Info.Description =
            "Tenant-scoped audit event ingest and query. Authenticate with an API key: 'Authorization: Bearer <key>' " +
            "or 'X-Api-Key: <key>'. Keys have one role: ingest, read or admin.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "AuditKit API key",
            Description = "An AuditKit API key as a bearer token.",
        };
        document.Components.SecuritySchemes[HeaderSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationOptions.HeaderName,
            Description = "An AuditKit API key in the X-Api-Key header.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [] });
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderSchemeName, context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing or unknown API key (problem details)." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The API key's role does not allow this (problem details)." });
        return Task.CompletedTask;
    }
}
