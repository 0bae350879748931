using AuditKit.Masking;
using Microsoft.Extensions.Options;

namespace AuditKit.EfCore;

/// <summary>Checks <see cref="EntityAuditOptions"/> when the application starts.</summary>
internal sealed class EntityAuditOptionsValidator(IOptions<AuditMaskingOptions> maskingOptions) : IValidateOptions<EntityAuditOptions>
{
    public ValidateOptionsResult Validate(string? name, EntityAuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        void Fail(string message) => (failures ??= []).Add(message);

        if (!Enum.IsDefined(options.Selection))
        {
            Fail($"EntityAuditOptions.Selection '{options.Selection}' is not an EntitySelection.");
        }

        if (!Enum.IsDefined(options.ValuesOnUpdate))
        {
            Fail($"EntityAuditOptions.ValuesOnUpdate '{options.ValuesOnUpdate}' is not an AuditedValues.");
        }

        if (!Enum.IsDefined(options.BulkParameterStyle))
        {
            Fail($"EntityAuditOptions.BulkParameterStyle '{options.BulkParameterStyle}' is not a MaskStyle.");
        }

        if (!Enum.IsDefined(options.WriteSeverity) || !Enum.IsDefined(options.DeleteSeverity))
        {
            Fail("EntityAuditOptions.WriteSeverity and DeleteSeverity must be AuditSeverity values.");
        }

        if (options.MaxValueLength < 16)
        {
            Fail("EntityAuditOptions.MaxValueLength must be at least 16.");
        }

        if (options.MaxBinaryLength < 0)
        {
            Fail("EntityAuditOptions.MaxBinaryLength must be zero or more.");
        }

        if (options.SoftDeleteProperty is { } softDelete && string.IsNullOrWhiteSpace(softDelete))
        {
            Fail("EntityAuditOptions.SoftDeleteProperty must be a property name or null.");
        }

        foreach (var type in options.Rules.Keys.Where(options.Excluded.Contains))
        {
            Fail($"{type.Name} is both configured for auditing and excluded from it.");
        }

        var hasKey = !string.IsNullOrEmpty(maskingOptions.Value.HmacKey);
        if (!hasKey)
        {
            if (options.BulkParameterStyle == MaskStyle.Hash)
            {
                Fail("EntityAuditOptions.BulkParameterStyle is Hash, which needs AuditKit:Masking:HmacKey.");
            }

            foreach (var rules in options.Rules.Values)
            {
                foreach (var (path, rule) in rules.Properties)
                {
                    if (rule.Style == MaskStyle.Hash)
                    {
                        Fail($"{rules.EntityType.Name}.{path} is masked with Hash, which needs AuditKit:Masking:HmacKey.");
                    }
                }
            }
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
