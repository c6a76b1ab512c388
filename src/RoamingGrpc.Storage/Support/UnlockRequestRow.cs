namespace RoamingGrpc.Storage.Support;

/// <summary>
/// One audited unlock request (UC5-2, UC5-3): who asked (provider, request id), when, for what, why, and either the
/// command opened for it with its outcome once known, or the refusal (status code and reason names).
/// </summary>
public sealed record UnlockRequestRow(
    long AuditId,
    string Provider,
    string RequestId,
    long RequestTime,
    string EvseId,
    string ConnectorId,
    string SessionId,
    string FailedCommandId,
    string AuthorizationReference,
    string Reason,
    string? CommandId,
    string RefusalCode,
    string RefusalReason,
    long? Result,
    long? ResultTime,
    string ResultMessage);
