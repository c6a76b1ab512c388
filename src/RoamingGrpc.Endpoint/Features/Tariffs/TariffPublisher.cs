using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Tariffs;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// The CSO's tariffs (UC2-1): a new or changed tariff is stored with its next version and queued, in the same
/// transaction, for the CSPs that may see it (every CSP partner for a general tariff, only its target for a
/// CSP-specific one); a removal stores and pushes a tombstone to the same audience. A tariff id keeps its audience for
/// good. Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class TariffPublisher(ITariffRepository tariffs, PushQueue pushes, TimeProvider clock)
{
    /// <summary>Publishes <paramref name="tariff"/> (canonical, this operator's); another audience for its id: FAILED_PRECONDITION.</summary>
    public Tariff Upsert(WriteContext write, Tariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var existing = tariffs.Find(write, tariff.TariffId);
        if (existing is not null && existing.TargetProvider != NullIfEmpty(tariff.TargetProviderId))
        {
            // Also after removal: the old audience must keep seeing this id's tombstone in its deltas.
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"tariff.target_provider_id: tariff id '{tariff.TariffId}' is (or was) for {existing.TargetProvider ?? "every CSP"}; use a new tariff id for another audience.",
                [new("field", "tariff.target_provider_id")]);
        }

        if (existing is { Removed: false } && WithoutStamps(Tariff.Parser.ParseFrom(existing.Payload)).Equals(WithoutStamps(tariff)))
        {
            return Tariff.Parser.ParseFrom(existing.Payload);
        }

        var stored = tariff.Clone();
        stored.Version = (ulong)((existing?.Version ?? 0) + 1);
        stored.UpdateTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        Save(write, stored);
        return stored;
    }

    /// <summary>Removes a tariff: its tombstone is stored and pushed; removing it again answers the tombstone. Unknown: NOT_FOUND.</summary>
    public Tariff Remove(WriteContext write, string tariffId, PartyIdentity operatorIdentity)
    {
        ArgumentNullException.ThrowIfNull(operatorIdentity);
        var existing = tariffs.Find(write, tariffId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist.", [new("tariff_id", tariffId)]);
        if (existing.Removed)
        {
            return Tariff.Parser.ParseFrom(existing.Payload);
        }

        var tombstone = new Tariff
        {
            TariffId = tariffId,
            OperatorId = operatorIdentity.PartyId,
            TargetProviderId = existing.TargetProvider ?? string.Empty,
            Version = (ulong)(existing.Version + 1),
            UpdateTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Removed = true,
        };
        Save(write, tombstone);
        return tombstone;
    }

    private static Tariff WithoutStamps(Tariff tariff)
    {
        var content = tariff.Clone();
        content.Version = 0;
        content.UpdateTime = null;
        return content;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // A tariff goes to the CSPs that may see it: every CSP partner, or only its target.
    private void Save(WriteContext write, Tariff tariff)
    {
        var target = NullIfEmpty(tariff.TargetProviderId);
        tariffs.Save(write, new TariffRow(
            tariff.TariffId,
            (long)tariff.Version,
            0,
            tariff.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            tariff.Removed ? 1 : 0,
            target,
            tariff.ToByteArray()));
        pushes.ToCsps(write, PushKinds.Tariff, tariff, partner => target is null || partner.PartyId == target);
    }
}
