using System.Data.Common;
using System.Text.Json;
using Dapper;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Storage.Partners;

/// <summary>All SQL of the partner registry.</summary>
public sealed class PartnerRepository(IDatabase database) : IPartnerRepository
{
    private const string SelectColumns =
        """
        SELECT role AS Role, party_id AS PartyId, endpoint_url AS EndpointUrl, display_name AS DisplayName,
               use_cases AS UseCases, status AS Status, create_time AS CreateTime, update_time AS UpdateTime,
               inbound_handshake_time AS InboundHandshakeTime, outbound_handshake_time AS OutboundHandshakeTime,
               revision AS Revision
        FROM partners
        """;

    private const string SelectOne = SelectColumns + " WHERE role = @Role AND party_id = @PartyId";

    /// <inheritdoc />
    public Task<Partner?> FindAsync(PartyIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return database.ReadAsync(
            async (connection, ct) =>
            {
                var row = await connection.QuerySingleOrDefaultAsync<PartnerRow>(
                    new CommandDefinition(SelectOne, Key(identity), cancellationToken: ct)).ConfigureAwait(false);
                return row is null ? null : ToPartner(row);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Partner>>(
            async (connection, ct) =>
            {
                var rows = await connection.QueryAsync<PartnerRow>(
                    new CommandDefinition(SelectColumns + " ORDER BY role, party_id", cancellationToken: ct)).ConfigureAwait(false);
                return rows.Select(ToPartner).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task EnsureConfiguredAsync(IReadOnlyList<ConfiguredPartner> partners, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partners);
        return database.WriteAsync(
            context =>
            {
                foreach (var partner in partners)
                {
                    context.Connection.Execute(
                        """
                        INSERT INTO partners (role, party_id, endpoint_url, status, create_time, update_time)
                        VALUES (@Role, @PartyId, @EndpointUrl, 'configured', @Now, @Now)
                        ON CONFLICT (role, party_id) DO UPDATE
                            SET endpoint_url = excluded.endpoint_url, update_time = excluded.update_time, revision = partners.revision + 1
                            WHERE excluded.endpoint_url IS NOT NULL
                              AND partners.endpoint_url IS NOT excluded.endpoint_url
                        """,
                        new
                        {
                            Role = partner.Identity.Role.ToName(),
                            partner.Identity.PartyId,
                            partner.EndpointUrl,
                            Now = now.ToUnixTimeMilliseconds(),
                        },
                        context.Transaction);
                }

                return partners.Count;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Partner>> ForgetEndpointUrlsAsync(IReadOnlyList<PartyIdentity> identities, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identities);
        return database.WriteAsync<IReadOnlyList<Partner>>(
            context =>
            {
                var forgotten = new List<Partner>(identities.Count);
                foreach (var identity in identities)
                {
                    context.Connection.Execute(
                        """
                        UPDATE partners SET endpoint_url = NULL, update_time = @Now, revision = revision + 1
                        WHERE role = @Role AND party_id = @PartyId AND endpoint_url IS NOT NULL
                        """,
                        new { Role = identity.Role.ToName(), identity.PartyId, Now = now.ToUnixTimeMilliseconds() },
                        context.Transaction);
                    var row = context.Connection.QuerySingleOrDefault<PartnerRow>(SelectOne, Key(identity), context.Transaction);
                    if (row is not null)
                    {
                        forgotten.Add(ToPartner(row));
                    }
                }

                return forgotten;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public PartnerRegistration RecordInboundHandshake(WriteContext context, PartnerDetails details, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Record(context.Connection, context.Transaction, details, now, "inbound_handshake_time");
    }

    /// <inheritdoc />
    public Task<PartnerRegistration> RecordOutboundHandshakeAsync(PartnerDetails details, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context => Record(context.Connection, context.Transaction, details, now, "outbound_handshake_time"),
            cancellationToken);

    private static PartnerRegistration Record(
        DbConnection connection, DbTransaction transaction, PartnerDetails details, DateTimeOffset now, string handshakeColumn)
    {
        ArgumentNullException.ThrowIfNull(details);
        var existingRow = connection.QuerySingleOrDefault<PartnerRow>(SelectOne, Key(details.Identity), transaction);
        var existing = existingRow is null ? null : ToPartner(existingRow);
        var outcome = existing switch
        {
            null => RegistrationOutcome.Created,
            { Status: PartnerStatus.Registered } when SameDetails(existing, details) => RegistrationOutcome.Unchanged,
            _ => RegistrationOutcome.Updated,
        };
        var nowMs = now.ToUnixTimeMilliseconds();
        var parameters = new
        {
            Role = details.Identity.Role.ToName(),
            details.Identity.PartyId,
            details.EndpointUrl,
            details.DisplayName,
            UseCases = JsonSerializer.Serialize(details.UseCases, StorageJson.Default.IReadOnlyListPartnerUseCase),
            Now = nowMs,
            UpdateTime = outcome == RegistrationOutcome.Unchanged ? existingRow!.UpdateTime : nowMs,
        };

        // The handshake column is one of two fixed names chosen by this file, never caller input.
        connection.Execute(
            $"""
            INSERT INTO partners (role, party_id, endpoint_url, display_name, use_cases, status, create_time, update_time, {handshakeColumn})
            VALUES (@Role, @PartyId, @EndpointUrl, @DisplayName, @UseCases, 'registered', @Now, @Now, @Now)
            ON CONFLICT (role, party_id) DO UPDATE SET
                endpoint_url = excluded.endpoint_url,
                display_name = excluded.display_name,
                use_cases = excluded.use_cases,
                status = 'registered',
                update_time = @UpdateTime,
                {handshakeColumn} = @Now,
                revision = partners.revision + 1
            """,
            parameters,
            transaction);
        var row = connection.QuerySingle<PartnerRow>(SelectOne, Key(details.Identity), transaction);
        return new PartnerRegistration(ToPartner(row), outcome, existing?.EndpointUrl);
    }

    private static bool SameDetails(Partner existing, PartnerDetails details) =>
        existing.EndpointUrl == details.EndpointUrl
        && existing.DisplayName == details.DisplayName
        && existing.UseCases.SequenceEqual(details.UseCases);

    private static object Key(PartyIdentity identity) => new { Role = identity.Role.ToName(), identity.PartyId };

    private static Partner ToPartner(PartnerRow row) => new(
        PartyIdentity.Create(PartyRoles.Parse(row.Role), row.PartyId),
        row.EndpointUrl,
        row.DisplayName,
        JsonSerializer.Deserialize(row.UseCases, StorageJson.Default.IReadOnlyListPartnerUseCase) ?? [],
        row.Status == "registered" ? PartnerStatus.Registered : PartnerStatus.Configured,
        DateTimeOffset.FromUnixTimeMilliseconds(row.CreateTime),
        DateTimeOffset.FromUnixTimeMilliseconds(row.UpdateTime),
        row.InboundHandshakeTime is { } inbound ? DateTimeOffset.FromUnixTimeMilliseconds(inbound) : null,
        row.OutboundHandshakeTime is { } outbound ? DateTimeOffset.FromUnixTimeMilliseconds(outbound) : null,
        row.Revision);
}
