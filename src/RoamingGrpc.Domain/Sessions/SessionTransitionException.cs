namespace RoamingGrpc.Domain.Sessions;

/// <summary>A session event that is not allowed in the session's current state.</summary>
public sealed class SessionTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="sessionEvent"/> in <paramref name="phase"/>.</summary>
    public SessionTransitionException(SessionPhase phase, SessionEvent sessionEvent)
        : base($"{sessionEvent} is not allowed while the session is {phase}.")
    {
        Phase = phase;
        Event = sessionEvent;
    }

    /// <summary>Creates the exception with a message (serialization and tooling).</summary>
    public SessionTransitionException()
    {
    }

    /// <summary>Creates the exception with a message (tooling).</summary>
    public SessionTransitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception (tooling).</summary>
    public SessionTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The state the session was in.</summary>
    public SessionPhase Phase { get; }

    /// <summary>The refused event.</summary>
    public SessionEvent Event { get; }
}
