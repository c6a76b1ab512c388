namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// One attack of the run: it loads the CSO for the given time (paced, so that the driver does not starve the machine)
/// and reports what it did and saw in <see cref="AttackOutcome"/>; the common bounds (server alive and serving, memory,
/// the legitimate partner's latency and failures, log lines) are checked around it by <see cref="AbuseRun"/>.
/// </summary>
internal interface IAttack
{
    /// <summary>The name on the command line (<c>--attacks</c>), e.g. <c>idle-flood</c>.</summary>
    string Name { get; }

    /// <summary>The table's description, e.g. "TCP connections that never start TLS, one source".</summary>
    string Title { get; }

    /// <summary>The size as configured, e.g. "2 000 held, 400/s".</summary>
    string Size { get; }

    /// <summary>
    /// The most log lines the attack may cost the endpoint during the attack and its settling (the run adds what the
    /// legitimate partner's traffic was logged at in the baseline).
    /// </summary>
    int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval);

    Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken);
}

/// <summary>What an attack did (<see cref="Done"/>, for the table), and the attack's own bounds it saw violated.</summary>
internal sealed class AttackOutcome
{
    private readonly List<string> _violations = [];

    public string Done { get; set; } = string.Empty;

    /// <summary>Refusal reasons (<c>roaming_refusals_total</c>) that must have grown during the attack.</summary>
    public List<string> ExpectedRefusals { get; } = [];

    public IReadOnlyList<string> Violations => _violations;

    public void Violation(string what) => _violations.Add(what);

    /// <summary>Adds a violation unless <paramref name="holds"/>.</summary>
    public void Check(bool holds, string what)
    {
        if (!holds)
        {
            _violations.Add(what);
        }
    }
}
