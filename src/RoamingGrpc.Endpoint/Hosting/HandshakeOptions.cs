namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Outbound UC1-1 handshake timing (<c>Roaming:Handshake</c>).</summary>
public sealed class HandshakeOptions
{
    /// <summary>Deadline of one handshake call.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait after a failed attempt; doubles per attempt, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts while a partner is down.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);
}
