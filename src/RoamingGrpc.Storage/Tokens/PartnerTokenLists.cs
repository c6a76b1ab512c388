using Dapper;

namespace RoamingGrpc.Storage.Tokens;

/// <summary>All SQL of the partner CSPs' token lists held by a CSO.</summary>
public sealed class PartnerTokenLists(IDatabase database) : IPartnerTokenLists
{
    private const string ListColumns =
        """
        csp AS Csp, version AS Version, salt AS Salt, pending_version AS PendingVersion, pending_salt AS PendingSalt,
        pending_next_chunk AS PendingNextChunk, update_time AS UpdateTime
        """;

    private const string TokenColumns = "csp AS Csp, type AS Type, uid AS Uid, payload AS Payload";

    /// <inheritdoc />
    public PartnerTokenListRow? Find(WriteContext context, string csp)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<PartnerTokenListRow>(
            $"SELECT {ListColumns} FROM partner_token_lists WHERE csp = @csp", new { csp }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, PartnerTokenListRow list)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(list);
        context.Connection.Execute(
            """
            INSERT INTO partner_token_lists (csp, version, salt, pending_version, pending_salt, pending_next_chunk, update_time)
            VALUES (@Csp, @Version, @Salt, @PendingVersion, @PendingSalt, @PendingNextChunk, @UpdateTime)
            ON CONFLICT (csp) DO UPDATE SET
                version = excluded.version, salt = excluded.salt, pending_version = excluded.pending_version,
                pending_salt = excluded.pending_salt, pending_next_chunk = excluded.pending_next_chunk, update_time = excluded.update_time
            """,
            list,
            context.Transaction);
    }

    /// <inheritdoc />
    public void DiscardPending(WriteContext context, string csp)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute("DELETE FROM partner_tokens WHERE csp = @csp AND pending = 1", new { csp }, context.Transaction);
    }

    /// <inheritdoc />
    public void AddPending(WriteContext context, IReadOnlyList<PartnerTokenRow> tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        context.Connection.Execute(
            "INSERT OR REPLACE INTO partner_tokens (csp, pending, type, uid, payload) VALUES (@Csp, 1, @Type, @Uid, @Payload)",
            tokens,
            context.Transaction);
    }

    /// <inheritdoc />
    public void PromotePending(WriteContext context, string csp)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute("DELETE FROM partner_tokens WHERE csp = @csp AND pending = 0", new { csp }, context.Transaction);
        context.Connection.Execute("UPDATE partner_tokens SET pending = 0 WHERE csp = @csp AND pending = 1", new { csp }, context.Transaction);
    }

    /// <inheritdoc />
    public void Put(WriteContext context, PartnerTokenRow token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(token);
        context.Connection.Execute(
            "INSERT OR REPLACE INTO partner_tokens (csp, pending, type, uid, payload) VALUES (@Csp, 0, @Type, @Uid, @Payload)",
            token,
            context.Transaction);
    }

    /// <inheritdoc />
    public void Delete(WriteContext context, string csp, long type, string uid)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            "DELETE FROM partner_tokens WHERE csp = @csp AND pending = 0 AND type = @type AND uid = @uid", new { csp, type, uid }, context.Transaction);
    }

    /// <inheritdoc />
    public long Count(WriteContext context, string csp)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.ExecuteScalar<long>(
            "SELECT COUNT(*) FROM partner_tokens WHERE csp = @csp AND pending = 0", new { csp }, context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerTokenListRow>> ListsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<PartnerTokenListRow>>(
            async (connection, ct) => (await connection.QueryAsync<PartnerTokenListRow>(new CommandDefinition(
                $"SELECT {ListColumns} FROM partner_token_lists ORDER BY csp", cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<PartnerTokenRow?> FindTokenAsync(string csp, long type, string uid, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<PartnerTokenRow>(new CommandDefinition(
                $"SELECT {TokenColumns} FROM partner_tokens WHERE csp = @csp AND pending = 0 AND type = @type AND uid = @uid",
                new { csp, type, uid },
                cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartnerTokenRow>> TokensAsync(string csp, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<PartnerTokenRow>>(
            async (connection, ct) => (await connection.QueryAsync<PartnerTokenRow>(new CommandDefinition(
                $"SELECT {TokenColumns} FROM partner_tokens WHERE csp = @csp AND pending = 0 ORDER BY type, uid",
                new { csp },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
}
