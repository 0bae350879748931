using System.Linq.Expressions;

namespace AuditKit.EfCore;

/// <summary>Turns a member-access lambda (<c>c =&gt; c.Address.City</c>) into the dotted path events use.</summary>
internal static class PropertyPath
{
    public static string Of(LambdaExpression selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var names = new List<string>();
        var body = selector.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            body = convert.Operand;
        }

        while (body is MemberExpression member)
        {
            names.Add(member.Member.Name);
            body = member.Expression;
        }

        if (names.Count == 0 || body != selector.Parameters[0])
        {
            throw new ArgumentException(
                $"'{selector}' must select a property of the entity, e.g. c => c.Ssn or c => c.Address.City.", nameof(selector));
        }

        names.Reverse();
        return string.Join('.', names);
    }
}
