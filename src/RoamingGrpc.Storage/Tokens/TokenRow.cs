namespace RoamingGrpc.Storage.Tokens;

/// <summary>A token the CSP issued: the filter and order columns, and the complete token as encoded by the contract.</summary>
public sealed record TokenRow(
    long Type,
    string Uid,
    long ChangeSeq,
    long UpdateTime,
    long ValidFlag,
    long Whitelist,
    long RemovedFlag,
    byte[] Payload)
{
    /// <summary>True when the token may charge (not blocked).</summary>
    public bool Valid => ValidFlag != 0;

    /// <summary>True for a tombstone.</summary>
    public bool Removed => RemovedFlag != 0;
}
