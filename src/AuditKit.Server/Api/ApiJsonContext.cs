using System.Text.Json;
using System.Text.Json.Serialization;
using AuditKit.Server.Admin;
using Microsoft.AspNetCore.Mvc;

namespace AuditKit.Server.Api;

/// <summary>
/// Source-generated JSON metadata for the API's own shapes, with the contract's conventions (snake_case, enums as
/// upper-case strings, nulls omitted). The HTTP JSON options use the same settings (see
/// <see cref="ApiJsonOptions"/>), because a context added to another options instance follows that instance's settings.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditEventListResponse))]
[JsonSerializable(typeof(CreateTenantRequest))]
[JsonSerializable(typeof(TenantResponse))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(ApiKeyCreatedResponse))]
[JsonSerializable(typeof(ApiKeyResponse))]
[JsonSerializable(typeof(ApiKeyListResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
