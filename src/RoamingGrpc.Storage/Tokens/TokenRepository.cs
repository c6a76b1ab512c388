using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage.Tokens;

/// <summary>All SQL of the CSP's issued tokens.</summary>
public sealed class TokenRepository(IDatabase database) : ITokenRepository
{
    private const string Columns =
        "type AS Type, uid AS Uid, change_seq AS ChangeSeq, update_time AS UpdateTime, valid AS ValidFlag, whitelist AS Whitelist, removed AS RemovedFlag, payload AS Payload";

    private const string VersionSql = "SELECT COALESCE(MAX(change_seq), 0) FROM tokens";

    /// <inheritdoc />
    public TokenRow? Find(WriteContext context, long type, string uid)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<TokenRow>(
            $"SELECT {Columns} FROM tokens WHERE type = @type AND uid = @uid", new { type, uid }, context.Transaction);
    }

    /// <inheritdoc />
    public Task<TokenRow?> GetAsync(long type, string uid, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                $"SELECT {Columns} FROM tokens WHERE type = @type AND uid = @uid", new { type, uid }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public long Save(WriteContext context, TokenRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        context.Changed(StoreChanges.Tokens);
        return context.Connection.ExecuteScalar<long>(
            """
            INSERT INTO tokens (type, uid, change_seq, update_time, valid, whitelist, removed, payload)
            VALUES (@Type, @Uid, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM tokens), @UpdateTime, @ValidFlag, @Whitelist, @RemovedFlag, @Payload)
            ON CONFLICT (type, uid) DO UPDATE SET
                change_seq = excluded.change_seq, update_time = excluded.update_time, valid = excluded.valid,
                whitelist = excluded.whitelist, removed = excluded.removed, payload = excluded.payload
            RETURNING change_seq
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<long> VersionAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.ExecuteScalarAsync<long>(new CommandDefinition(VersionSql, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TokenRow>> ListChangesAsync(TokenChangeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return database.ReadAsync<IReadOnlyList<TokenRow>>(
            async (connection, ct) => (await connection.QueryAsync<TokenRow>(new CommandDefinition(
                $"""
                SELECT {Columns} FROM tokens
                WHERE change_seq > @AfterChangeSeq
                  AND (@UpdatedSince IS NULL OR update_time >= @UpdatedSince)
                  AND (@IncludeRemoved OR removed = 0)
                ORDER BY change_seq LIMIT @Limit
                """,
                query,
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TokenRow>> ListCurrentAsync(long afterType, string afterUid, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<TokenRow>>(
            async (connection, ct) => (await connection.QueryAsync<TokenRow>(new CommandDefinition(
                $"""
                SELECT {Columns} FROM tokens
                WHERE removed = 0 AND (type > @afterType OR (type = @afterType AND uid > @afterUid))
                ORDER BY type, uid LIMIT @limit
                """,
                new { afterType, afterUid, limit },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<TokenListSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, ct) =>
            {
                // One deferred (read-only) transaction: in WAL mode it sees one committed state, so list and version agree.
                using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
                var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(VersionSql, transaction: transaction, cancellationToken: ct)).ConfigureAwait(false);
                var tokens = (await connection.QueryAsync<TokenRow>(new CommandDefinition(
                    $"SELECT {Columns} FROM tokens WHERE removed = 0 ORDER BY type, uid", transaction: transaction, cancellationToken: ct)).ConfigureAwait(false)).AsList();
                return new TokenListSnapshot(version, tokens);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<TokenListSnapshot> ChangesSinceAsync(long sinceVersion, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, ct) =>
            {
                using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
                var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(VersionSql, transaction: transaction, cancellationToken: ct)).ConfigureAwait(false);
                var changes = (await connection.QueryAsync<TokenRow>(new CommandDefinition(
                    $"SELECT {Columns} FROM tokens WHERE change_seq > @sinceVersion ORDER BY change_seq LIMIT @limit",
                    new { sinceVersion, limit },
                    transaction,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                return new TokenListSnapshot(version, changes);
            },
            cancellationToken);
}
