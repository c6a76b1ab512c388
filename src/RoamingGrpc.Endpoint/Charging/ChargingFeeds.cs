using RoamingGrpc.Endpoint.Streams;

namespace RoamingGrpc.Endpoint.Charging;

/// <summary>Wake-ups after commits that concern charging: the charging-information log grew, or commands were opened.</summary>
public sealed class ChargingFeeds
{
    /// <summary>The charging-information log grew (WatchChargingInfo streams read on).</summary>
    public LogFeed ChargingInfo { get; } = new();

    /// <summary>A command was opened for the station (WatchStationCommands streams look again).</summary>
    public LogFeed StationCommands { get; } = new();
}
