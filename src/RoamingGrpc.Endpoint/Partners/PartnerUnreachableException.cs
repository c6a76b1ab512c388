namespace RoamingGrpc.Endpoint.Partners;

/// <summary>A partner cannot be used as configured (no URL, or it answered as someone else).</summary>
internal sealed class PartnerUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PartnerUnreachableException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public PartnerUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    public PartnerUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
