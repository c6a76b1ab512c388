using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>Checks maintenance notices (UC5-1) as a back office publishes them; every failure names the field.</summary>
internal static class MaintenanceValidator
{
    /// <summary>Most sites one notice names.</summary>
    public const int MaxSites = 100;

    /// <summary>Most EVSEs one notice names.</summary>
    public const int MaxEvses = 1000;

    /// <summary>Most descriptions (languages) of one notice.</summary>
    public const int MaxDescriptions = 20;

    private const string Prefix = "maintenance_notice";

    /// <summary>
    /// The notice as it will be stored for <paramref name="owner"/>: canonical EVSE ids, operator id filled in,
    /// output-only fields cleared; or an INVALID_ARGUMENT / PERMISSION_DENIED error. An end time must follow the
    /// start and lie after <paramref name="now"/> (a notice is ended with EndMaintenanceNotice).
    /// </summary>
    public static MaintenanceNotice Canonical(MaintenanceNotice? notice, PartyIdentity owner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (notice is null)
        {
            throw RoamingErrors.MissingField(Prefix);
        }

        var result = notice.Clone();
        if (notice.MaintenanceNoticeId.Length > 0)
        {
            RequestFields.LocalId(notice.MaintenanceNoticeId, $"{Prefix}.maintenance_notice_id");
        }

        result.OperatorId = SiteValidator.OwnOperator(notice.OperatorId, owner, $"{Prefix}.operator_id");
        Required(notice.Kind, MaintenanceKind.Unspecified, $"{Prefix}.kind");
        Required(notice.Reason, MaintenanceReason.Unspecified, $"{Prefix}.reason");
        if (notice.SiteIds.Count == 0 && notice.EvseIds.Count == 0)
        {
            throw RoamingErrors.InvalidField($"{Prefix}.evse_ids", ErrorReason.MissingField, "name at least one EVSE (evse_ids) or site (site_ids)");
        }

        if (notice.SiteIds.Count > MaxSites || notice.EvseIds.Count > MaxEvses)
        {
            throw RoamingErrors.InvalidField(
                notice.SiteIds.Count > MaxSites ? $"{Prefix}.site_ids" : $"{Prefix}.evse_ids",
                ErrorReason.BatchTooLarge,
                $"at most {MaxSites} sites and {MaxEvses} EVSEs per notice; publish several notices");
        }

        result.SiteIds.Clear();
        for (var i = 0; i < notice.SiteIds.Count; i++)
        {
            var siteId = SiteValidator.SiteId(notice.SiteIds[i], $"{Prefix}.site_ids[{i}]");
            Unique(result.SiteIds, siteId, $"{Prefix}.site_ids[{i}]");
        }

        result.EvseIds.Clear();
        for (var i = 0; i < notice.EvseIds.Count; i++)
        {
            var evseId = StatusValidator.EvseIdOf(notice.EvseIds[i], $"{Prefix}.evse_ids[{i}]", owner);
            Unique(result.EvseIds, evseId, $"{Prefix}.evse_ids[{i}]");
        }

        if (notice.StartTime is null)
        {
            throw RoamingErrors.MissingField($"{Prefix}.start_time");
        }

        var start = Time(notice.StartTime, $"{Prefix}.start_time");
        if (notice.EndTime is not null)
        {
            var end = Time(notice.EndTime, $"{Prefix}.end_time");
            if (end <= start)
            {
                throw RoamingErrors.InvalidField($"{Prefix}.end_time", ErrorReason.InvalidField, "must be after start_time");
            }

            if (end <= now)
            {
                throw RoamingErrors.InvalidField($"{Prefix}.end_time", ErrorReason.InvalidField, "is not in the future; end a notice with EndMaintenanceNotice");
            }
        }

        if (notice.Descriptions.Count > MaxDescriptions)
        {
            throw RoamingErrors.InvalidField($"{Prefix}.descriptions", ErrorReason.BatchTooLarge, $"at most {MaxDescriptions} descriptions (one per language)");
        }

        for (var i = 0; i < notice.Descriptions.Count; i++)
        {
            var description = notice.Descriptions[i];
            if (description.Language.Length != 2 || !description.Language.All(char.IsAsciiLetterLower))
            {
                throw RoamingErrors.InvalidField($"{Prefix}.descriptions[{i}].language", ErrorReason.InvalidField, "must be an ISO 639-1 code in lower case, e.g. \"en\"");
            }

            if (string.IsNullOrWhiteSpace(description.Text) || description.Text.Length > 512)
            {
                throw RoamingErrors.InvalidField($"{Prefix}.descriptions[{i}].text", string.IsNullOrWhiteSpace(description.Text) ? ErrorReason.MissingField : ErrorReason.InvalidField, "is required, at most 512 characters");
            }
        }

        result.State = MaintenanceNoticeState.Unspecified;
        result.EndedTime = null;
        result.UpdateTime = null;
        result.Version = 0;
        return result;
    }

    /// <summary>A valid timestamp as a time, or INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static DateTimeOffset Time(Timestamp value, string field) => RequestFields.Time(value, field);

    private static void Required<TEnum>(TEnum value, TEnum unspecified, string field)
        where TEnum : struct, System.Enum
    {
        if (EqualityComparer<TEnum>.Default.Equals(value, unspecified) || !System.Enum.IsDefined(value))
        {
            throw RoamingErrors.InvalidField(field, EqualityComparer<TEnum>.Default.Equals(value, unspecified) ? ErrorReason.MissingField : ErrorReason.InvalidField, $"must be one of the {typeof(TEnum).Name} values (not UNSPECIFIED)");
        }
    }

    private static void Unique(Google.Protobuf.Collections.RepeatedField<string> seen, string value, string field)
    {
        if (seen.Contains(value))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"'{value}' is listed twice");
        }

        seen.Add(value);
    }
}
