using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary>The column names of AuditKit's tables: each property's name in snake_case (<c>TenantId</c> → <c>tenant_id</c>).</summary>
internal static class SnakeCaseColumns
{
    /// <summary>Names the column of every property of <paramref name="entity"/> after the property, in snake_case.</summary>
    public static EntityTypeBuilder<T> HasSnakeCaseColumns<T>(this EntityTypeBuilder<T> entity)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (var property in entity.Metadata.GetDeclaredProperties())
        {
            property.SetColumnName(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
        }

        return entity;
    }
}
