namespace RoamingGrpc.Storage.ChargePlans;

/// <summary>
/// The charge plans of one session as encoded by the contract (<c>ChargePlan</c>): the CSP's plan the station applied,
/// the CSO's override, and the last plan version given out for the session.
/// </summary>
public sealed record ChargePlanRow(string SessionId, string Provider, long Version, byte[]? CspPlan, byte[]? CsoPlan);
