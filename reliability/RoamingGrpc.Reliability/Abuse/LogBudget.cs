namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// How many log lines refusals may cost: the endpoint logs the first refusal of a source in full and then one summary
/// line per source and <c>Limits:RefusalLogInterval</c> (the console logger writes each entry as 2 lines: level and
/// category, then the message). A source refused throughout an attack of duration D therefore costs at most
/// 2 x (1 + ceil(D / interval) + 1) lines, the last summary falling in the settling after the attack; 20 lines are
/// allowed for anything else the endpoint logs meanwhile (e.g. a partner handshake). The legitimate traffic's own lines
/// are allowed separately, at the baseline's rate + 25 %.
/// </summary>
internal static class LogBudget
{
    public const int LinesPerEntry = 2;
    public const int Other = 20;

    public static int Refusals(int sources, TimeSpan duration, TimeSpan interval) =>
        (LinesPerEntry * sources * (2 + (int)Math.Ceiling(duration / interval))) + Other;
}
