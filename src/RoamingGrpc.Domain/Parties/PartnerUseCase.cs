namespace RoamingGrpc.Domain.Parties;

/// <summary>A use case a partner supports (code such as <c>UC1-2</c>) with the contract versions it speaks.</summary>
public sealed record PartnerUseCase(string Code, IReadOnlyList<string> Versions)
{
    /// <inheritdoc />
    public bool Equals(PartnerUseCase? other) =>
        other is not null && Code == other.Code && Versions.SequenceEqual(other.Versions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Code, Versions.Count);
}
