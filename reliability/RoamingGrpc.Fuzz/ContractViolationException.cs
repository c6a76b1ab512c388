namespace RoamingGrpc.Fuzz;

/// <summary>An input ended outside the contract without an exception of its own (a broken invariant): a crash.</summary>
internal sealed class ContractViolationException : Exception
{
    public ContractViolationException()
    {
    }

    public ContractViolationException(string message)
        : base(message)
    {
    }

    public ContractViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when <paramref name="condition"/> does not hold.</summary>
    public static void Require(bool condition, string invariant)
    {
        if (!condition)
        {
            throw new ContractViolationException(invariant);
        }
    }
}
