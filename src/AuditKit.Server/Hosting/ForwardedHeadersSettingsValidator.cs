using System.Net;

namespace AuditKit.Server.Hosting;

/// <summary>Checks <see cref="ForwardedHeadersSettings"/> at start-up, naming the key of every bad value.</summary>
internal sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        var failures = new List<string>();
        var prefix = ForwardedHeadersSettings.SectionName + ":";
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{prefix}KnownProxies:{i} must be an IP address (was '{options.KnownProxies[i]}').");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"{prefix}KnownNetworks:{i} must be a network in CIDR notation, e.g. 10.0.0.0/24 (was '{options.KnownNetworks[i]}').");
            }
        }

        if (options.ForwardLimit is < 1 or > 10)
        {
            failures.Add($"{prefix}ForwardLimit must be between 1 and 10 (was {options.ForwardLimit}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
