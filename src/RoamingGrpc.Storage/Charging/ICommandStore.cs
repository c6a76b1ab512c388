namespace RoamingGrpc.Storage.Charging;

/// <summary>Commands partners sent to the CSO and their outcomes.</summary>
public interface ICommandStore
{
    /// <summary>The command, or null (inside the caller's write transaction).</summary>
    CommandRow? Find(WriteContext context, string commandId);

    /// <summary>The open command of a type for a session, or null (e.g. the start still awaiting its outcome).</summary>
    CommandRow? OpenFor(WriteContext context, string sessionId, long commandType);

    /// <summary>Stores a new open command.</summary>
    void Add(WriteContext context, CommandRow row);

    /// <summary>Closes a command with its outcome.</summary>
    void Complete(WriteContext context, string commandId, byte[] result);

    /// <summary>Every open command, oldest first.</summary>
    Task<IReadOnlyList<CommandRow>> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Open commands whose deadline passed before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<CommandRow>> OverdueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The earliest deadline of an open command, or null.</summary>
    Task<long?> NextDeadlineAsync(CancellationToken cancellationToken);
}
