namespace RoamingGrpc.Domain.Sessions;

/// <summary>The state of a service session (IEC 63119-2 5.7). Values equal the contract's SessionState.</summary>
public enum SessionPhase
{
    /// <summary>Authorized or commanded; the energy transfer has not started.</summary>
    Pending = 1,

    /// <summary>The energy transfer session runs (charging, or suspended).</summary>
    Active = 2,

    /// <summary>Ended; final values set, the SDR follows. Final.</summary>
    Completed = 3,

    /// <summary>Never became active, or voided. Final.</summary>
    Invalid = 4,

    /// <summary>Holds an EVSE for its token by a reservation (UC3-8).</summary>
    Reserved = 5,
}
