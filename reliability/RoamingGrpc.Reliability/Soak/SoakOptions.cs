namespace RoamingGrpc.Reliability.Soak;

/// <summary>The settings of a soak run (<c>soak --duration 1h --status-rate 2000 --sessions 100 --out FILE</c>).</summary>
internal sealed record SoakOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    public double StatusRate { get; init; } = 2000;

    public int Sessions { get; init; } = 100;

    /// <summary>Sites of the status load, of <see cref="EvsesPerSite"/> EVSEs each.</summary>
    public int Sites { get; init; } = 100;

    public int EvsesPerSite { get; init; } = 50;

    /// <summary>How long one charging session runs (real time), meter values every <see cref="MeterInterval"/>.</summary>
    public TimeSpan SessionLength { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan MeterInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The stretch at the start and at the end whose samples the summary compares.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    public required string OutputFile { get; init; }

    public required string CliDll { get; init; }

    public string? WorkDirectory { get; init; }
}
