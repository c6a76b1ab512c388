namespace RoamingGrpc.Storage;

/// <summary>An entry of a change log.</summary>
public interface ILogEntry
{
    /// <summary>Position in the log; strictly increasing.</summary>
    long Sequence { get; }
}
