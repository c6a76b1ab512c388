namespace RoamingGrpc.Storage.Requests;

/// <summary>Who sent which request id to which method: the scope in which a request id must be unique.</summary>
public sealed record RequestKey(string Caller, string Method, string RequestId);
