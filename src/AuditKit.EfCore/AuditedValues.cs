namespace AuditKit.EfCore;

/// <summary>Which properties an UPDATE event carries in <c>old_values</c> and <c>new_values</c>.</summary>
public enum AuditedValues
{
    /// <summary>
    /// Only the properties whose value changed (the default): the smallest record of what happened, as data
    /// minimisation asks, and the cheapest to build. <c>changes</c> lists the same properties.
    /// </summary>
    Changed = 0,

    /// <summary>Every audited property, changed or not, so each event shows the whole entity before and after.</summary>
    All = 1,
}
