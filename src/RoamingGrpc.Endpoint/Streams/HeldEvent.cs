namespace RoamingGrpc.Endpoint.Streams;

/// <summary>An event a stream read but holds back until <paramref name="NotBefore"/> (see <see cref="LogStreamProtocol{TRequest, TResponse, TEntry}.NotBefore"/>).</summary>
/// <param name="Entry">The log entry.</param>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Message">The event built for it.</param>
/// <param name="Key">Its coalescing key; null = no newer entry replaces it.</param>
/// <param name="NotBefore">The earliest time it may be sent.</param>
internal sealed record HeldEvent<TEntry, TResponse>(TEntry Entry, long Sequence, TResponse Message, string? Key, DateTimeOffset NotBefore);
