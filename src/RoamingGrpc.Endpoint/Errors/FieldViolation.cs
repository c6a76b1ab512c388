namespace RoamingGrpc.Endpoint.Errors;

/// <summary>An invalid request field (dotted path such as <c>site.evses[0].evse_id</c>) and what is wrong with it.</summary>
internal sealed record FieldViolation(string Field, string Description);
