namespace RoamingGrpc.Endpoint.Streams;

/// <summary>The common part of a stream's start message: cursor, snapshot request and window (filters stay with the protocol).</summary>
internal sealed record StreamStart(ulong? ResumeAfterSequence, bool Snapshot, uint MaxInFlight);
