using System.Net;
using System.Net.Sockets;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The source a connection is counted and logged under: its IPv4 address, or the /64 prefix of its IPv6 address (one
/// host usually holds a whole /64, so counting single IPv6 addresses would cap nothing).
/// </summary>
internal static class SourceAddress
{
    /// <summary>The source of a remote end point, e.g. <c>203.0.113.7</c> or <c>2001:db8:1:2::/64</c>.</summary>
    public static string Of(EndPoint? remote) => remote is IPEndPoint ip ? Of(ip.Address) : "unknown";

    /// <summary>The source of <paramref name="address"/>.</summary>
    public static string Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
