namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Session and command settings of a CSO endpoint (<c>Roaming:Charging</c>).</summary>
public sealed class ChargingOptions
{
    /// <summary>
    /// Time the station has to report the outcome of a command (result_timeout); after it the endpoint reports TIMEOUT
    /// to the home-CSP (and a start that never happened leaves its session INVALID).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often overdue commands are looked for.</summary>
    public TimeSpan CommandSweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
