namespace RoamingGrpc.Storage.Support;

/// <summary>
/// An EVSE whose published status an active notice holds, with the status to return to when no notice holds it any
/// more (null when none was known) and that status's change time.
/// </summary>
public sealed record MaintenanceHold(string EvseId, long? PriorStatus, long? PriorChangeTime, long HoldTime);
