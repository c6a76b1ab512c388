using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Requests;

/// <summary>Checks of request fields shared by every service, each failing with INVALID_ARGUMENT naming the field.</summary>
internal static class RequestFields
{
    /// <summary>Longest accepted request id.</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>A request id: required, at most 128 printable ASCII characters.</summary>
    public static string RequestId(string? value, string field = "request_id")
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        if (value.Length > MaxRequestIdLength || !value.All(c => c is > ' ' and < '\u007f'))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be 1 to {MaxRequestIdLength} printable ASCII characters without spaces (a UUID is recommended)");
        }

        return value;
    }

    /// <summary>Longest local identifier (session, SDR, command ids...).</summary>
    public const int MaxLocalIdLength = 64;

    /// <summary>A local identifier (session_id, sdr_id, command_id...): 1 to 64 characters from [A-Za-z0-9._~:-].</summary>
    public static string LocalId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        return value.Length <= MaxLocalIdLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or ':' or '-')
            ? value
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be 1 to {MaxLocalIdLength} characters from [A-Za-z0-9._~:-]");
    }

    /// <summary>
    /// A list filter of enum values (e.g. <c>states</c>): defined values other than UNSPECIFIED (0), as numbers,
    /// without repeats and in order (so that page tokens compare equal); INVALID_ARGUMENT naming the field otherwise.
    /// </summary>
    public static IReadOnlyList<long> EnumFilter<TEnum>(IEnumerable<TEnum> values, string field)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. values.Select(value => Enum.IsDefined(value) && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) != 0
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must hold {typeof(TEnum).Name} values of the contract (not UNSPECIFIED)")).Distinct().Order()];
    }

    /// <summary>A party id valid for <paramref name="role"/>, in canonical form.</summary>
    public static PartyIdentity Party(PartyRole role, string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        try
        {
            return PartyIdentity.Create(role, value);
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    /// <summary>An absolute https URL.</summary>
    public static Uri HttpsUrl(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        return Hosting.EndpointSettings.TryParseHttpsUrl(value, out var url) && value.Length <= 2048
            ? url
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "must be an absolute https URL such as https://roaming.example.com:443");
    }

    /// <summary>
    /// A request's timestamp as a time, or INVALID_ARGUMENT naming <paramref name="field"/>. Timestamp's own range is
    /// 0001-01-01 to 9999-12-31 with nanos 0..999,999,999; protobuf's ToDateTimeOffset throws InvalidOperationException
    /// outside it, which would reach the caller as INTERNAL.
    /// </summary>
    public static DateTimeOffset Time(Google.Protobuf.WellKnownTypes.Timestamp value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Seconds is >= -62_135_596_800 and <= 253_402_300_799 && value.Nanos is >= 0 and <= 999_999_999
            ? value.ToDateTimeOffset()
            : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "is not a valid timestamp");
    }

    /// <summary>An optional timestamp filter (e.g. <c>updated_since</c>) in Unix milliseconds, checked as <see cref="Time"/>.</summary>
    public static long? UnixMilliseconds(Google.Protobuf.WellKnownTypes.Timestamp? value, string field) =>
        value is null ? null : Time(value, field).ToUnixTimeMilliseconds();
}
