namespace RoamingGrpc.Storage.Status;

/// <summary>An EVSE status (current, or one change in the log) with the log sequence it belongs to.</summary>
public sealed record StatusEntry(long Sequence, string EvseId, string SiteId, long Status, long ChangeTime) : ILogEntry;
