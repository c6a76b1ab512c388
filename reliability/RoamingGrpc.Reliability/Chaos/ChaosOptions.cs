namespace RoamingGrpc.Reliability.Chaos;

/// <summary>The settings of a chaos run (<c>chaos --cycles N --seed S ...</c>).</summary>
internal sealed record ChaosOptions
{
    public int Cycles { get; init; } = 10;

    public int Seed { get; init; } = 1;

    /// <summary>Traffic per cycle; the kill falls at a random moment inside it.</summary>
    public TimeSpan CycleLength { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Status changes per second of the status sites' stations.</summary>
    public double StatusRate { get; init; } = 300;

    public int LocalWorkers { get; init; } = 2;

    public int RemoteWorkers { get; init; } = 2;

    public int ReservationWorkers { get; init; } = 1;

    /// <summary>Site, tariff and maintenance notice changes per second.</summary>
    public double PublishRate { get; init; } = 8;

    public required string CliDll { get; init; }

    public string? WorkDirectory { get; init; }

    public bool KeepWorkDirectory { get; init; }
}
