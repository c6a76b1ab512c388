namespace RoamingGrpc.Storage.Support;

/// <summary>One EVSE a notice affects (with its site), or a site named as a whole (<see cref="EvseId"/> empty).</summary>
public sealed record MaintenanceTarget(string SiteId, string EvseId);
