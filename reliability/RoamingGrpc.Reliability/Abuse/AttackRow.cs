namespace RoamingGrpc.Reliability.Abuse;

/// <summary>One row of the report: an attack (or the baseline) with what the legitimate partner and the operator saw.</summary>
internal sealed record AttackRow
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string Size { get; init; }

    public required TimeSpan Duration { get; init; }

    public required LatencySummary Reads { get; init; }

    public required LatencySummary Authorizations { get; init; }

    public required LatencySummary FreshConnections { get; init; }

    /// <summary>The worst of the reads' and authorizations' p99 over its bound's base (the floored baseline p99).</summary>
    public double Ratio { get; init; }

    public long ResidentBefore { get; init; }

    public long ResidentPeak { get; init; }

    /// <summary>The CPU the CSO used during the phase, in cores (CPU seconds per second).</summary>
    public double CsoCores { get; init; }

    /// <summary>The CPU this driver (the legitimate partner's calls and the run's watching) used during the phase, in cores.</summary>
    public double DriverCores { get; init; }

    /// <summary>The CPU the attack process used during the attack, in cores.</summary>
    public double AttackerCores { get; init; }

    public int LogLines { get; init; }

    public int LogLineBound { get; init; }

    public IReadOnlyDictionary<string, double> Refusals { get; init; } = new Dictionary<string, double>();

    public string Done { get; init; } = string.Empty;

    public IReadOnlyList<string> Violations { get; init; } = [];

    /// <summary>The quiet window right before the attack, its latencies' reference (the baseline for the first).</summary>
    public AttackRow? Before { get; init; }

    public bool Passed => Violations.Count == 0;
}
