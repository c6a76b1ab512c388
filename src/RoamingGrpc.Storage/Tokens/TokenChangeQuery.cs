namespace RoamingGrpc.Storage.Tokens;

/// <summary>
/// One page of token changes in the order they were made (change sequence): those after
/// <see cref="AfterChangeSeq"/>, and at or after <see cref="UpdatedSince"/> when given. Tombstones are included
/// when <see cref="IncludeRemoved"/> is set.
/// </summary>
public sealed record TokenChangeQuery(long AfterChangeSeq, long? UpdatedSince, bool IncludeRemoved, int Limit);
