namespace RoamingGrpc.Fuzz;

/// <summary>How an input ended within the contract: accepted, or refused with a typed error (what, for the replay log).</summary>
internal sealed record FuzzOutcome(bool Accepted, string Detail)
{
    public static FuzzOutcome Success(string detail) => new(true, detail);

    public static FuzzOutcome Refused(string detail) => new(false, detail);

    public static FuzzOutcome Refused(Exception error) => new(false, $"{error.GetType().Name}: {error.Message}");

    public override string ToString() => (Accepted ? "accepted: " : "refused: ") + Detail;
}
