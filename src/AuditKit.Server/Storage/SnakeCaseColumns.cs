using System.Linq.Expressions;
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

    /// <summary>
    /// Maps <paramref name="entity"/> to <paramref name="table"/>, its columns named in snake_case
    /// (<see cref="HasSnakeCaseColumns"/>), its primary key <paramref name="key"/> named <c>pk_</c> and the table's name.
    /// </summary>
    public static EntityTypeBuilder<T> HasSnakeCaseTable<T>(this EntityTypeBuilder<T> entity, string table, Expression<Func<T, object?>> key)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity.ToTable(table);
        entity.HasSnakeCaseColumns();
        entity.HasKey(key).HasName("pk_" + table);
        return entity;
    }
}
