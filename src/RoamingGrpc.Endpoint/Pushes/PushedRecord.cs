using Google.Protobuf.WellKnownTypes;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// What the push machinery needs to know of a pushed record, whatever its kind: its id (one entity per id and
/// kind), its version (only a greater one replaces what the receiver holds), whether it is a tombstone, and when
/// it changed.
/// </summary>
internal sealed record PushedRecord(string RecordId, ulong Version, bool Removed, Timestamp? UpdateTime);
