namespace RoamingGrpc.Storage.Charging;

/// <summary>One reading of a session: cumulative energy and what the session does from then on (0 charging, 1 parking).</summary>
public sealed record SessionReading(
    string SessionId,
    long ReadingNo,
    long MeasureTime,
    double EnergyKwh,
    double? PowerKw,
    double? CurrentA,
    double? StateOfCharge,
    long Activity);
