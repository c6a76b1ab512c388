namespace RoamingGrpc.Storage.Requests;

/// <summary>A request already processed: the hash of what was asked and the response given.</summary>
public sealed record LoggedRequest(byte[] RequestHash, byte[] Response);
