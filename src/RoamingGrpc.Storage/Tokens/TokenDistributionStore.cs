using Dapper;

namespace RoamingGrpc.Storage.Tokens;

/// <summary>All SQL of the token list distribution state.</summary>
public sealed class TokenDistributionStore(IDatabase database) : ITokenDistributionStore
{
    /// <inheritdoc />
    public Task<TokenDistributionRow> EnsureAsync(string cso, byte[] newSalt, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context =>
            {
                context.Connection.Execute(
                    "INSERT INTO token_distribution (cso, salt, update_time) VALUES (@cso, @newSalt, @now) ON CONFLICT (cso) DO NOTHING",
                    new { cso, newSalt, now = now.ToUnixTimeMilliseconds() },
                    context.Transaction);
                return context.Connection.QuerySingle<TokenDistributionRow>(
                    """
                    SELECT cso AS Cso, salt AS Salt, held_version AS HeldVersion, held_hashed AS HeldHashedFlag, update_time AS UpdateTime
                    FROM token_distribution WHERE cso = @cso
                    """,
                    new { cso },
                    context.Transaction);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task RecordHeldAsync(string cso, long? heldVersion, bool hashed, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context => context.Connection.Execute(
                "UPDATE token_distribution SET held_version = @heldVersion, held_hashed = @hashed, update_time = @now WHERE cso = @cso",
                new { cso, heldVersion, hashed = hashed ? 1 : 0, now = now.ToUnixTimeMilliseconds() },
                context.Transaction),
            cancellationToken);
}
