using System.Text;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Fuzz.Identifiers;

/// <summary>
/// The identifier and field parsers every request goes through. The first byte picks the parser, the rest is the text
/// (UTF-8, as protobuf strings arrive). Besides "no exception but the typed one", each parser's own promises are
/// checked: TryParse and Parse agree (same error class), a parsed id's canonical form parses to the same id, a
/// normalized uid is stable, a money amount has at most its digits.
/// </summary>
internal sealed class IdentifierTarget : FuzzTarget
{
    /// <summary>The parsers, in the order of the first byte (modulo their count).</summary>
    public static readonly string[] Parsers =
    [
        "evse_id", "operator_id", "provider_id", "contract_id", "country_code", "rfid_uid", "money_amount", "party",
        "role", "uid_hash", "check_character", "request_id", "local_id", "site_id", "page_token", "https_url",
    ];

    public override string Name => "identifiers";

    /// <summary>The input that feeds <paramref name="text"/> to <paramref name="parser"/> (for seeds and tests).</summary>
    public static byte[] Input(string parser, string text) =>
        [(byte)Array.IndexOf(Parsers, parser), .. Encoding.UTF8.GetBytes(text)];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return FuzzOutcome.Refused("empty input");
        }

        var parser = Parsers[input[0] % Parsers.Length];
        var text = Encoding.UTF8.GetString(input[1..]);
        return parser switch
        {
            "evse_id" => Identifier(text, (string? v, out EvseId? r, out IdentifierError e) => EvseId.TryParse(v, out r, out e), EvseId.Parse, id => id.ToString()),
            "operator_id" => Identifier(text, (string? v, out OperatorId? r, out IdentifierError e) => OperatorId.TryParse(v, out r, out e), OperatorId.Parse, id => id.ToString()),
            "provider_id" => Identifier(text, (string? v, out ProviderId? r, out IdentifierError e) => ProviderId.TryParse(v, out r, out e), ProviderId.Parse, id => id.ToString()),
            "contract_id" => Identifier(text, (string? v, out ContractId? r, out IdentifierError e) => ContractId.TryParse(v, out r, out e), ContractId.Parse, id => id.ToString()),
            "country_code" => Identifier(text, (string? v, out CountryCode? r, out IdentifierError e) => CountryCode.TryParse(v, out r, out e), CountryCode.Parse, id => id.ToString()),
            "rfid_uid" => Rfid(text),
            "money_amount" => Money(text),
            "party" => Party(text),
            "role" => PartyRoles.TryParse(text, out var role) ? FuzzOutcome.Success(role.Value.ToName()) : FuzzOutcome.Refused("not a role"),
            "uid_hash" => TokenUidHash.IsWellFormed(text) ? FuzzOutcome.Success("hash") : FuzzOutcome.Refused("not a hash"),
            "check_character" => CheckCharacter(text),
            "request_id" => Field(() => RequestFields.RequestId(text)),
            "local_id" => Field(() => RequestFields.LocalId(text, "session_id")),
            "site_id" => Field(() => SiteValidator.SiteId(text, "site_id")),
            "page_token" => Field(() => ListingCursor.Start(text, "filters", DateTimeOffset.UnixEpoch).ToString()),
            "https_url" => EndpointSettings.TryParseHttpsUrl(text, out var url)
                ? FuzzOutcome.Success(EndpointSettings.CanonicalUrl(url))
                : FuzzOutcome.Refused("not an https URL"),
            _ => throw new InvalidOperationException(parser),
        };
    }

    private delegate bool TryParser<T>(string? value, out T? result, out IdentifierError error);

    private static FuzzOutcome Identifier<T>(string text, TryParser<T> tryParse, Func<string?, T> parse, Func<T, string> canonical)
        where T : class
    {
        if (tryParse(text, out var parsed, out var error))
        {
            ContractViolationException.Require(error == IdentifierError.None, "a successful TryParse reports no error");
            var form = canonical(parsed!);
            ContractViolationException.Require(Equals(parse(text), parsed), "Parse returns what TryParse returned");
            ContractViolationException.Require(tryParse(form, out var again, out _) && Equals(again, parsed) && canonical(again!) == form, "the canonical form parses to the same id");
            return FuzzOutcome.Success(form);
        }

        ContractViolationException.Require(parsed is null && error != IdentifierError.None, "a failed TryParse names its error");
        try
        {
            parse(text);
        }
        catch (InvalidIdentifierException ex)
        {
            ContractViolationException.Require(ex.Error == error, $"Parse and TryParse disagree ({ex.Error} / {error})");
            return FuzzOutcome.Refused(ex);
        }

        throw new ContractViolationException("TryParse refused what Parse accepted");
    }

    private static FuzzOutcome Rfid(string text)
    {
        if (!RfidUid.TryNormalize(text, out var normalized, out var problem))
        {
            return FuzzOutcome.Refused(problem);
        }

        ContractViolationException.Require(
            normalized.Length is > 0 and <= RfidUid.MaxHexDigits && normalized.Length % 2 == 0 && normalized.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitUpper(c)),
            "a normalized uid is upper-case hex of whole bytes");
        ContractViolationException.Require(RfidUid.TryNormalize(normalized, out var again, out _) && again == normalized, "normalizing is idempotent");
        return FuzzOutcome.Success(normalized);
    }

    private static FuzzOutcome Money(string text)
    {
        if (!MoneyFormat.TryParse(text, out var amount))
        {
            return FuzzOutcome.Refused("not a money amount");
        }

        ContractViolationException.Require(MoneyFormat.Parse(text) == amount, "Parse returns what TryParse returned");
        ContractViolationException.Require(decimal.Abs(amount) < 1_000_000_000_000_000m, "at most 15 integer digits");
        return FuzzOutcome.Success(amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static FuzzOutcome Party(string text)
    {
        // "cso:DE*ABC": the role and the party id as certificates carry them.
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !PartyRoles.TryParse(text[..colon], out var role))
        {
            return FuzzOutcome.Refused("no role");
        }

        try
        {
            var identity = PartyIdentity.Create(role.Value, text[(colon + 1)..]);
            ContractViolationException.Require(PartyIdentity.Create(role.Value, identity.PartyId) == identity, "the canonical party id is stable");
            return FuzzOutcome.Success(identity.ToString());
        }
        catch (InvalidIdentifierException ex)
        {
            return FuzzOutcome.Refused(ex);
        }
    }

    private static FuzzOutcome CheckCharacter(string text)
    {
        // The documented refusal of this API is an ArgumentException for anything but 14 ASCII letters and digits;
        // for those it must answer, and a contract id built from them must carry that check character.
        if (text.Length != 14 || !text.All(char.IsAsciiLetterOrDigit))
        {
            try
            {
                ContractId.ComputeCheckCharacter(text);
            }
            catch (ArgumentException ex) when (ex is not ArgumentOutOfRangeException)
            {
                return FuzzOutcome.Refused(ex);
            }

            throw new ContractViolationException("a check character was computed over input that is not 14 letters and digits");
        }

        var check = ContractId.ComputeCheckCharacter(text);
        var parsable = CountryCode.TryParse(text[..2], out _) && char.ToUpperInvariant(text[5]) == 'C';
        ContractViolationException.Require(
            !parsable || (ContractId.TryParse(text + check, out var contract) && contract.CheckCharacter == check),
            "a computed check character is accepted");
        return FuzzOutcome.Success(check.ToString());
    }

    private static FuzzOutcome Field(Func<string> check)
    {
        try
        {
            return FuzzOutcome.Success(check());
        }
        catch (RoamingException ex)
        {
            return FuzzOutcome.Refused(ex);
        }
    }
}
