using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Sites;

/// <summary>
/// Checks a site sent by the back office (UC1-2) and returns it in canonical form: identifiers normalized,
/// output-only fields cleared. The first problem fails with INVALID_ARGUMENT naming the field
/// (<c>site.evses[2].connectors[0].standard</c>); a site is accepted whole or not at all.
/// </summary>
public static class SiteValidator
{
    /// <summary>Longest site id (OCPI CiString(36)).</summary>
    public const int MaxSiteIdLength = 36;

    /// <summary>A site id: 1 to 36 printable ASCII characters without spaces.</summary>
    public static string SiteId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        return value.Length <= MaxSiteIdLength && value.All(c => c is > ' ' and < '\u007f')
            ? value
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be 1 to {MaxSiteIdLength} printable ASCII characters without spaces");
    }

    /// <summary>The site as it will be stored for <paramref name="owner"/>, or an INVALID_ARGUMENT / PERMISSION_DENIED error.</summary>
    public static Site Canonical(Site? site, PartyIdentity owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (site is null)
        {
            throw RoamingErrors.MissingField("site");
        }

        var result = site.Clone();
        result.SiteId = SiteId(site.SiteId, "site.site_id");
        result.OperatorId = OwnOperator(site.OperatorId, owner, "site.operator_id");
        Text(site.Name, "site.name", 255, required: true);
        Text(site.Address, "site.address", 255, required: true);
        Text(site.City, "site.city", 45, required: true);
        Text(site.PostalCode, "site.postal_code", 10, required: false);
        Text(site.State, "site.state", 20, required: false);
        result.CountryCode = Identifier(() => CountryCode.Parse(site.CountryCode).ToString(), site.CountryCode, "site.country_code");
        Coordinates(site.Coordinates, "site.coordinates", required: true);
        if (string.IsNullOrEmpty(site.TimeZone))
        {
            throw RoamingErrors.MissingField("site.time_zone");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(site.TimeZone, out _))
        {
            throw RoamingErrors.InvalidField("site.time_zone", ErrorReason.InvalidField, $"'{site.TimeZone}' is not an IANA time zone such as Europe/Berlin");
        }

        OpeningHours(site.OpeningHours);
        NoUnspecified(site.Facilities, Facility.Unspecified, "site.facilities");
        for (var i = 0; i < site.Directions.Count; i++)
        {
            Text(site.Directions[i].Language, $"site.directions[{i}].language", 2, required: true);
            Text(site.Directions[i].Text, $"site.directions[{i}].text", 512, required: true);
        }

        if (site.Evses.Count == 0)
        {
            throw RoamingErrors.InvalidField("site.evses", ErrorReason.MissingField, "a site needs at least one EVSE (use RemoveSite to remove a site)");
        }

        var evseIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < site.Evses.Count; i++)
        {
            var evse = result.Evses[i];
            var field = $"site.evses[{i}]";
            var evseId = Identifier(() => EvseId.Parse(evse.EvseId), evse.EvseId, $"{field}.evse_id");
            if (evseId.Operator.ToString() != owner.PartyId)
            {
                throw RoamingErrors.InvalidField($"{field}.evse_id", ErrorReason.InvalidIdentifier, $"EVSE id {evseId} belongs to operator {evseId.Operator}, not to {owner.PartyId}");
            }

            if (!evseIds.Add(evseId.ToString()))
            {
                throw RoamingErrors.InvalidField($"{field}.evse_id", ErrorReason.InvalidField, $"EVSE id {evseId} is listed twice");
            }

            evse.EvseId = evseId.ToString();
            evse.UpdateTime = null;
            NoUnspecified(evse.Capabilities, EvseCapability.Unspecified, $"{field}.capabilities");
            NoUnspecified(evse.ParkingRestrictions, ParkingRestriction.Unspecified, $"{field}.parking_restrictions");
            Coordinates(evse.Coordinates, $"{field}.coordinates", required: false);
            Connectors(evse, field);
        }

        result.UpdateTime = null;
        result.Version = 0;
        result.Removed = false;
        return result;
    }

    /// <summary>
    /// The owner's operator id for a record's <c>operator_id</c>: empty (filled in) or the owner's own, in any
    /// spelling; another operator is PERMISSION_DENIED / PARTY_MISMATCH.
    /// </summary>
    public static string OwnOperator(string stated, PartyIdentity owner, string field)
    {
        ArgumentNullException.ThrowIfNull(stated);
        ArgumentNullException.ThrowIfNull(owner);
        if (stated.Length > 0 && (!OperatorId.TryParse(stated, out var parsed) || parsed.ToString() != owner.PartyId))
        {
            throw RoamingErrors.Create(
                ErrorKind.Forbidden,
                ErrorReason.PartyMismatch,
                $"{field} '{stated}' is not this endpoint's operator {owner.PartyId}; leave it empty or state {owner.PartyId}.",
                [new("field", field), new("certificate_party_id", owner.PartyId)]);
        }

        return owner.PartyId;
    }

    private static void Connectors(Evse evse, string field)
    {
        if (evse.Connectors.Count == 0)
        {
            throw RoamingErrors.InvalidField($"{field}.connectors", ErrorReason.MissingField, "an EVSE needs at least one connector");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < evse.Connectors.Count; j++)
        {
            var connector = evse.Connectors[j];
            var path = $"{field}.connectors[{j}]";
            Text(connector.ConnectorId, $"{path}.connector_id", 36, required: true);
            if (!ids.Add(connector.ConnectorId))
            {
                throw RoamingErrors.InvalidField($"{path}.connector_id", ErrorReason.InvalidField, $"connector id '{connector.ConnectorId}' is listed twice in this EVSE");
            }

            Required(connector.Standard, ConnectorStandard.Unspecified, $"{path}.standard");
            Required(connector.Format, ConnectorFormat.Unspecified, $"{path}.format");
            Required(connector.PowerType, PowerType.Unspecified, $"{path}.power_type");
            Positive(connector.MaxVoltage, $"{path}.max_voltage");
            Positive(connector.MaxAmperage, $"{path}.max_amperage");
            if (connector.HasMaxElectricPower)
            {
                Positive(connector.MaxElectricPower, $"{path}.max_electric_power");
            }

            for (var k = 0; k < connector.TariffIds.Count; k++)
            {
                Text(connector.TariffIds[k], $"{path}.tariff_ids[{k}]", 36, required: true);
            }

            connector.UpdateTime = null;
        }
    }

    private static void OpeningHours(OpeningHours? hours)
    {
        if (hours is null)
        {
            return;
        }

        if (hours.Twentyfourseven && hours.RegularHours.Count > 0)
        {
            throw RoamingErrors.InvalidField("site.opening_hours.regular_hours", ErrorReason.InvalidField, "must be empty when twentyfourseven is true");
        }

        for (var i = 0; i < hours.RegularHours.Count; i++)
        {
            var period = hours.RegularHours[i];
            var field = $"site.opening_hours.regular_hours[{i}]";
            Required(period.Weekday, Weekday.Unspecified, $"{field}.weekday");
            TimeOfDay(period.PeriodBegin, $"{field}.period_begin");
            TimeOfDay(period.PeriodEnd, $"{field}.period_end");
        }

        Periods(hours.ExceptionalOpenings, "site.opening_hours.exceptional_openings");
        Periods(hours.ExceptionalClosings, "site.opening_hours.exceptional_closings");
    }

    private static void Periods(Google.Protobuf.Collections.RepeatedField<ExceptionalPeriod> periods, string field)
    {
        for (var i = 0; i < periods.Count; i++)
        {
            if (periods[i].StartTime is null || periods[i].EndTime is null
                || RequestFields.Time(periods[i].EndTime, $"{field}[{i}].end_time") <= RequestFields.Time(periods[i].StartTime, $"{field}[{i}].start_time"))
            {
                throw RoamingErrors.InvalidField($"{field}[{i}]", ErrorReason.InvalidField, "needs start_time and a later end_time");
            }
        }
    }

    private static void TimeOfDay(string value, string field)
    {
        if (!TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && value != "24:00")
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be a local time HH:MM (was '{value}')");
        }
    }

    private static void Coordinates(GeoLocation? location, string field, bool required)
    {
        if (location is null)
        {
            if (required)
            {
                throw RoamingErrors.MissingField(field);
            }

            return;
        }

        if (!double.IsFinite(location.Latitude) || location.Latitude is < -90 or > 90
            || !double.IsFinite(location.Longitude) || location.Longitude is < -180 or > 180)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "latitude must be within -90..90 and longitude within -180..180");
        }
    }

    private static void Text(string value, string field, int maxLength, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        if (value.Length > maxLength)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be at most {maxLength} characters (was {value.Length})");
        }
    }

    private static void Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be positive (was {value})");
        }
    }

    private static void Required<TEnum>(TEnum value, TEnum unspecified, string field)
        where TEnum : struct, Enum
    {
        if (EqualityComparer<TEnum>.Default.Equals(value, unspecified))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.MissingField, $"is required; {ProtoEnumNames.Of(unspecified)} is not a value");
        }

        if (!Enum.IsDefined(value))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"value {Convert.ToInt32(value, CultureInfo.InvariantCulture)} is not defined in contract v1");
        }
    }

    private static void NoUnspecified<TEnum>(IList<TEnum> values, TEnum unspecified, string field)
        where TEnum : struct, Enum
    {
        for (var i = 0; i < values.Count; i++)
        {
            Required(values[i], unspecified, $"{field}[{i}]");
        }
    }

    private static T Identifier<T>(Func<T> parse, string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        try
        {
            return parse();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }
}
