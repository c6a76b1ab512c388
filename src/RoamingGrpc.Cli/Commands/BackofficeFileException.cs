namespace RoamingGrpc.Cli.Commands;

/// <summary>A <c>roaming backoffice load</c> file is not what the command reads; the message says where.</summary>
internal sealed class BackofficeFileException : Exception
{
    public BackofficeFileException()
    {
    }

    public BackofficeFileException(string message)
        : base(message)
    {
    }

    public BackofficeFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
