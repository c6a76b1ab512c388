namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// Rung by the back office after committing a token change, so that the <see cref="TokenListDistributor"/> brings CSO
/// partners up to date without waiting for its poll.
/// </summary>
public sealed class TokenListSignal : Doorbell;
