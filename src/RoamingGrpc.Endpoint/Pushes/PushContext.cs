using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>Who pushes (<see cref="Sender"/>, a CSO proven by its certificate) to whom (<see cref="Receiver"/>, this CSP endpoint).</summary>
internal sealed record PushContext(PartyIdentity Sender, PartyIdentity Receiver);
