namespace RoamingGrpc.Domain.Parties;

/// <summary>What a handshake did to the partner registry.</summary>
public enum RegistrationOutcome
{
    /// <summary>The partner was not in the registry before.</summary>
    Created = 1,

    /// <summary>The partner was known; some stated detail changed (or it was only configured before).</summary>
    Updated = 2,

    /// <summary>The partner was registered with exactly these details.</summary>
    Unchanged = 3,
}
