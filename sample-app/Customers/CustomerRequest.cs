using System.Text.RegularExpressions;

namespace AuditKit.SampleApp.Customers;

/// <summary>The body of <c>POST</c> and <c>PUT /api/customers</c>.</summary>
public sealed partial record CustomerRequest(string? Name, string? Email, string? Ssn)
{
    /// <summary>A problem naming each bad field, or <see langword="null"/> when the request is valid.</summary>
    public IResult? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }

        if (string.IsNullOrWhiteSpace(Email) || Email.Length > 320 || !Email.Contains('@', StringComparison.Ordinal))
        {
            errors["email"] = ["A valid e-mail address is required."];
        }

        if (Ssn is null || !SsnPattern().IsMatch(Ssn))
        {
            errors["ssn"] = ["An SSN of the form 123-45-6789 is required."];
        }

        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    [GeneratedRegex(@"^\d{3}-\d{2}-\d{4}$")]
    private static partial Regex SsnPattern();
}
