namespace RoamingGrpc.Reliability;

/// <summary>A run that cannot go on (an endpoint that does not start, a call that never succeeds): ends it with exit code 1.</summary>
internal sealed class ReliabilityException(string message) : Exception(message);
