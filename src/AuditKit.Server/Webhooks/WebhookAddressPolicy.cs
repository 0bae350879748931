using System.Net;
using System.Net.Sockets;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Keeps webhooks off the server's own network: a tenant admin chooses the URL, so without this a webhook could
/// reach loopback services, the cloud metadata endpoint, the database port or the server's own admin API. Loopback,
/// link-local, private (RFC 1918, ULA), shared (CGNAT), multicast, unspecified, broadcast and reserved addresses are
/// refused, including their IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms, unless the URL's host is listed
/// in <see cref="WebhookOptions.AllowedHosts"/>. Checked when a webhook is created (literal addresses and loopback
/// names) and again on every connection (<see cref="ConnectAsync"/>), which resolves the host itself and checks every
/// address it resolves to before connecting, so a name that resolves elsewhere later (DNS rebinding) cannot pass.
/// </summary>
internal sealed class WebhookAddressPolicy
{
    private static readonly string[] s_loopbackNames = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"];

    private readonly HashSet<string> _allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<IPAddress> _allowedAddresses = [];

    public WebhookAddressPolicy(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var entry in options.Value.AllowedHosts)
        {
            var host = Normalize(entry);
            if (IPAddress.TryParse(host, out var address))
            {
                _allowedAddresses.Add(address);
            }
            else
            {
                _allowedNames.Add(host);
            }
        }
    }

    /// <summary>Whether <paramref name="host"/> is in <see cref="WebhookOptions.AllowedHosts"/>.</summary>
    public bool IsAllowedHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var normalized = Normalize(host);
        return IPAddress.TryParse(normalized, out var address) ? _allowedAddresses.Contains(address) : _allowedNames.Contains(normalized);
    }

    /// <summary>
    /// Why a new webhook's URL is refused (a sentence for the <c>url</c> field), or null. Only what is known without
    /// a DNS lookup is checked here; names are checked when connecting.
    /// </summary>
    public string? RefusalOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = Normalize(url.Host);
        if (IsAllowedHost(host))
        {
            return null;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return ClassOf(address) is { } kind ? $"must not point at a {kind} address ({address})." : null;
        }

        return IsLoopbackName(host) ? "must not point at this machine (a loopback name)." : null;
    }

    /// <summary>
    /// The connect step of the webhook client's <see cref="SocketsHttpHandler"/>: resolves the host, refuses it with
    /// <see cref="WebhookAddressRefusedException"/> when any address it resolves to is refused, and otherwise
    /// connects to those same addresses (never resolving again, so the checked address is the one connected to).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = Normalize(context.DnsEndPoint.Host);
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (!IsAllowedHost(host) && addresses.Any(static a => ClassOf(a) is not null))
        {
            throw new WebhookAddressRefusedException();
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>The kind of refused address <paramref name="address"/> is (for messages), or null when it may be reached.</summary>
    public static string? ClassOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassOfIPv4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "non-IP";
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassOfIPv4(b[12..]);
        }

        // ::/96 holds :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible ::a.b.c.d: none is a receiver.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return b[12..15].IndexOfAnyExcept((byte)0) >= 0 ? "reserved (IPv4-compatible)"
                : b[15] switch { 0 => "unspecified", 1 => "loopback", _ => "reserved (IPv4-compatible)" };
        }

        return (b[0], b[1]) switch
        {
            (0xfe, var x) when (x & 0xc0) == 0x80 => "link-local",
            (0xfe, var x) when (x & 0xc0) == 0xc0 => "private (site-local)",
            (var x, _) when (x & 0xfe) == 0xfc => "private (unique local)",
            (0xff, _) => "multicast",

            // NAT64 (64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is for local use), 6to4 and Teredo reach
            // IPv4 hosts through IPv6 addresses.
            (0x00, 0x64) when b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0 => ClassOfIPv4(b[12..]),
            (0x00, 0x64) when b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1 => "private (NAT64 local use)",
            (0x20, 0x02) => ClassOfIPv4(b[2..6]),
            (0x20, 0x01) when b[2] == 0 && b[3] == 0 => "reserved (Teredo)",
            _ => null,
        };
    }

    private static string? ClassOfIPv4(ReadOnlySpan<byte> b) => (b[0], b[1]) switch
    {
        (0, 0) when b[2] == 0 && b[3] == 0 => "unspecified",
        (0, _) => "reserved (this network)",
        (127, _) => "loopback",
        (10, _) => "private",
        (172, var x) when (x & 0xf0) == 16 => "private",
        (192, 168) => "private",
        (169, 254) => "link-local",
        (100, var x) when (x & 0xc0) == 64 => "shared (CGNAT)",
        (192, 0) when b[2] == 0 => "reserved (IETF protocol assignments)",
        (198, var x) when (x & 0xfe) == 18 => "reserved (benchmarking)",
        (255, 255) when b[2] == 255 && b[3] == 255 => "broadcast",
        (var x, _) when x >= 240 => "reserved",
        (var x, _) when x >= 224 => "multicast",
        _ => null,
    };

    private static bool IsLoopbackName(string host) =>
        s_loopbackNames.Contains(host, StringComparer.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Drops what differs between spellings of one host: IPv6 brackets and a final dot (case is ignored where hosts are compared).</summary>
    private static string Normalize(string host)
    {
        var trimmed = host.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        return trimmed.Length > 1 ? trimmed.TrimEnd('.') : trimmed;
    }
}
