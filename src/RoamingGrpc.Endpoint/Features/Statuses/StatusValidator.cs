using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>Checks reported EVSE status changes (UC1-3) and maps them between contract and storage.</summary>
internal static class StatusValidator
{
    /// <summary>The change in canonical form: EVSE id of <paramref name="owner"/>, status number, change time (unix ms).</summary>
    public static (string EvseId, long Status, long ChangeTime) Change(EvseStatusEvent? change, string field, PartyIdentity owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (change is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        var evseId = EvseIdOf(change.EvseId, $"{field}.evse_id", owner);
        if (change.Status == EvseStatus.Unspecified || !Enum.IsDefined(change.Status))
        {
            throw RoamingErrors.InvalidField($"{field}.status", change.Status == EvseStatus.Unspecified ? ErrorReason.MissingField : ErrorReason.InvalidField, "must be one of the EVSE_STATUS values (not UNSPECIFIED)");
        }

        if (change.ChangeTime is null)
        {
            throw RoamingErrors.MissingField($"{field}.change_time");
        }

        return (evseId, (long)change.Status, RequestFields.Time(change.ChangeTime, $"{field}.change_time").ToUnixTimeMilliseconds());
    }

    /// <summary>An EVSE id of <paramref name="owner"/> in canonical form.</summary>
    public static string EvseIdOf(string? value, string field, PartyIdentity owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        EvseId evseId;
        try
        {
            evseId = EvseId.Parse(value);
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }

        return evseId.Operator.ToString() == owner.PartyId
            ? evseId.ToString()
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, $"EVSE id {evseId} belongs to operator {evseId.Operator}, not to {owner.PartyId}");
    }

    /// <summary>The contract form of a stored status.</summary>
    public static EvseStatusEvent ToProto(Storage.Status.StatusEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new EvseStatusEvent
        {
            EvseId = entry.EvseId,
            SiteId = entry.SiteId,
            Status = (EvseStatus)entry.Status,
            ChangeTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(entry.ChangeTime)),
        };
    }

    /// <summary>The storage form of a streamed status.</summary>
    public static Storage.Status.StatusEntry FromProto(long sequence, EvseStatusEvent status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new Storage.Status.StatusEntry(
            sequence,
            status.EvseId,
            status.SiteId,
            (long)status.Status,
            status.ChangeTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0);
    }
}
