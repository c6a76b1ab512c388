namespace RoamingGrpc.Storage;

/// <summary>One queued unit of write work and the caller waiting for it.</summary>
internal abstract class WriteWork
{
    /// <summary>True when the caller gave up before the writer reached this work.</summary>
    public abstract bool IsCancelled { get; }

    /// <summary>Runs the work; returns false (with the failure kept for the caller) when it threw.</summary>
    public abstract bool Execute(WriteContext context);

    /// <summary>Answers the caller after the batch committed: with the result, or the work's own failure.</summary>
    public abstract void Complete();

    /// <summary>Answers the caller with a failure of the batch as a whole.</summary>
    public abstract void Fail(Exception exception);
}
