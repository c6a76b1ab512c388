namespace RoamingGrpc.Bench;

/// <summary>One EVSE status change as the request-per-change baseline sends it (JSON body of PUT /evse-status/{evseId}).</summary>
internal sealed record StatusChange(int Status, DateTimeOffset ChangeTime);
