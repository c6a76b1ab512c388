namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// The settings of an abuse run (<c>abuse [--quick] ...</c>): how long each phase lasts, the legitimate partner's
/// fixed load, each attack's size and pace, and the bounds. The defaults are the full run; <see cref="Quick"/> the CI
/// run (same attacks, shorter and smaller).
/// </summary>
internal sealed record AbuseOptions
{
    /// <summary>The legitimate partner's baseline, measured before any attack.</summary>
    public TimeSpan Baseline { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>A window without attack before each attack after the first, the reference of its latency bounds.</summary>
    public TimeSpan QuietWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long each attack runs while the legitimate partner keeps calling.</summary>
    public TimeSpan AttackDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The CSP partner's GetSite calls to the CSO per second, on <see cref="ReadConcurrency"/> callers.</summary>
    public double ReadRate { get; init; } = 80;

    public int ReadConcurrency { get; init; } = 4;

    /// <summary>Authorizations per second (PresentToken at the CSO, which asks the CSP with AuthorizeToken), on 2 callers.</summary>
    public double AuthorizeRate { get; init; } = 20;

    public int AuthorizeConcurrency { get; init; } = 2;

    /// <summary>A new partner connection (TLS handshake and a first GetSite) every this long, in every phase.</summary>
    public TimeSpan FreshConnectionInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Attack 1: TCP connections from one source that never start TLS, held at most at once.</summary>
    public int FloodConnections { get; init; } = 2000;

    /// <summary>Attack 1: connection attempts per second at most (the server closes the excess, the flood reopens).</summary>
    public double FloodRate { get; init; } = 400;

    /// <summary>Attack 2: sources (127.0.1.x) of connections that start TLS and stall.</summary>
    public int StallSources { get; init; } = 25;

    /// <summary>Attack 2: stalled connections per source (below the per-source cap of 50, so that the global cap of 1 000 is what binds).</summary>
    public int StallPerSource { get; init; } = 48;

    /// <summary>
    /// Attack 2: stalled connection attempts per second at most: above (sources x per source) / handshake timeout, so
    /// that all of them are open at once and the cap in all is reached.
    /// </summary>
    public double StallRate { get; init; } = 500;

    /// <summary>Attack 3: TLS handshakes per second with a foreign CA's certificate or none.</summary>
    public double HandshakeRate { get; init; } = 100;

    /// <summary>Attack 4: undecodable requests per second from a registered partner.</summary>
    public double MalformedRate { get; init; } = 200;

    /// <summary>Attack 5: trickling unary calls held per connection (2 connections).</summary>
    public int SlowCallsPerConnection { get; init; } = 150;

    /// <summary>Attack 6: WatchEvseStatus streams open with the certificate that is revoked.</summary>
    public int RevokedStreams { get; init; } = 20;

    /// <summary>The CSO's Limits:RequestReceiveTimeout for the run (the product's default is 10 s; shorter keeps the run short).</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether the partner's latency during an attack (p99 and the slowest new connection, against the worst quiet
    /// window) is a bound, or only measured and reported. The full run bounds it; the CI run (<see cref="Quick"/>)
    /// reports it: a 7 s window on a busy 2-core CI machine does not control its own timing, and latency targets are
    /// measured in runs meant for it (this one in full, bench/), not asserted in CI.
    /// </summary>
    public bool LatencyBounds { get; init; } = true;

    /// <summary>The CSO's Limits:RefusalLogInterval for the run (default 1 min), so that summaries fall inside an attack.</summary>
    public TimeSpan RefusalLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How much the CSO's resident set may exceed its size after the baseline, at any sample of any attack.</summary>
    public long MemoryAllowanceBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The attacks to run (names of <see cref="AbuseRun.AttackNames"/>); empty = all.</summary>
    public IReadOnlyList<string> Attacks { get; init; } = [];

    public required string CliDll { get; init; }

    public string? WorkDirectory { get; init; }

    public bool KeepWorkDirectory { get; init; }

    /// <summary>A markdown file the table is written to, besides the output.</summary>
    public string? OutputFile { get; init; }

    /// <summary>The CI run: every attack, shorter and smaller (about a minute and a half on a 2-core machine).</summary>
    public static AbuseOptions Quick(string cliDll) => new()
    {
        CliDll = cliDll,
        Baseline = TimeSpan.FromSeconds(10),
        QuietWindow = TimeSpan.FromSeconds(6),
        AttackDuration = TimeSpan.FromSeconds(7),
        ReadRate = 60,
        AuthorizeRate = 15,
        FloodConnections = 1000,
        FloodRate = 300,
        StallSources = 22,
        StallRate = 500,
        HandshakeRate = 60,
        MalformedRate = 100,
        SlowCallsPerConnection = 120,
        RevokedStreams = 10,
        RefusalLogInterval = TimeSpan.FromSeconds(5),
        LatencyBounds = false,
    };
}
