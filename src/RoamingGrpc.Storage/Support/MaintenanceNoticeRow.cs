namespace RoamingGrpc.Storage.Support;

/// <summary>A stored maintenance notice: the filter and order columns, and the notice as encoded by the contract.</summary>
public sealed record MaintenanceNoticeRow(
    string NoticeId,
    long State,
    long Kind,
    long Version,
    long UpdateTime,
    long ChangeSeq,
    long? NextTransition,
    byte[] Payload);
