using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace BenefitProgram.Notifications.Webhooks;

/// <summary>
/// SSRF guard: a webhook may only reach public addresses over https. Checked at registration and again when connecting
/// (the <see cref="ConnectAsync"/> callback of the webhook HttpClient), since DNS may answer differently later.
/// Notifications:Webhooks:AllowPrivateTargets=true lifts both rules (tests, local development).
/// </summary>
internal sealed class TargetGuard(IOptionsMonitor<WebhookOptions> options)
{
    private bool AllowPrivate => options.CurrentValue.AllowPrivateTargets;

    /// <summary>Null when the URL may be registered, else why not.</summary>
    public async Task<string?> CheckUrlAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "Must be an absolute https URL.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !AllowPrivate)
        {
            return "Must use https.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Must not contain user name or password.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return $"The host '{uri.Host}' cannot be resolved.";
        }

        if (addresses.Length == 0)
        {
            return $"The host '{uri.Host}' cannot be resolved.";
        }

        if (!AllowPrivate && addresses.FirstOrDefault(IsRefused) is { } refused)
        {
            return $"The host '{uri.Host}' resolves to {refused}, a loopback, private or link-local address; webhooks only reach public addresses.";
        }

        return null;
    }

    /// <summary>The webhook HttpClient's ConnectCallback: resolves, refuses private targets, then connects.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        if (!AllowPrivate && addresses.FirstOrDefault(IsRefused) is { } refused)
        {
            throw new HttpRequestException($"Refused to connect to {context.DnsEndPoint.Host} ({refused}): not a public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>Loopback, unspecified/"this network", RFC 1918, CGNAT, link-local, unique-local IPv6, multicast.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || b[0] >= 224;
        }

        var v6 = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }
}
