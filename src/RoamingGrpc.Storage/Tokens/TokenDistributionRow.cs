namespace RoamingGrpc.Storage.Tokens;

/// <summary>What one CSO partner holds of the CSP's token list, and the partner's salt for hashed lists.</summary>
public sealed record TokenDistributionRow(string Cso, byte[] Salt, long? HeldVersion, long HeldHashedFlag, long UpdateTime)
{
    /// <summary>True when the list the CSO holds carries uid hashes.</summary>
    public bool HeldHashed => HeldHashedFlag != 0;
}
