namespace RoamingGrpc.Reliability.Soak;

/// <summary>
/// One sample of a soak: each server process as the kernel sees it, the queue depths the CSO's metrics expose for
/// its CSP partner, and what the driver achieved in the interval before.
/// </summary>
internal sealed record SoakSample(
    TimeSpan Elapsed,
    ProcessFigures Cso,
    ProcessFigures Csp,
    double? OutboxDepth,
    double? OutboxOldestSeconds,
    double? StatusStreamBehind,
    double? CspOutboxDepth,
    double StatusPerSecond,
    double StatusP50Ms,
    double StatusP99Ms,
    long Sessions,
    long Retries);

/// <summary>Resident set (bytes), open file descriptors and threads of a process.</summary>
internal sealed record ProcessFigures(long ResidentBytes, int OpenFiles, int Threads);
