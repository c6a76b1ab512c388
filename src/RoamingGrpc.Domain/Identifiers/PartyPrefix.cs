using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>Reads the <c>CC[sep]PPP</c> start shared by operator, provider, EVSE and contract ids.</summary>
internal static class PartyPrefix
{
    /// <summary>Length of a party (operator or provider) code.</summary>
    public const int PartyCodeLength = 3;

    /// <summary>
    /// Reads an assigned country code, an optional <paramref name="separator"/> and three letters or digits from a
    /// value that passed <see cref="IdentifierText.TryCheckCommon"/>. <paramref name="partyStart"/> is where the
    /// party code begins; it ends three characters later. The other separator is a <see cref="IdentifierError.WrongSeparator"/>.
    /// </summary>
    public static bool TryRead(
        string value,
        char separator,
        [NotNullWhen(true)] out CountryCode? country,
        out int partyStart,
        out ParseFailure failure)
    {
        partyStart = 0;
        if (value.Length < 2 || !CountryCode.TryLookup(value[0], value[1], out country))
        {
            country = null;
            failure = new(IdentifierError.InvalidCountry, 0);
            return false;
        }

        var i = 2;
        if (i < value.Length && IdentifierText.IsSeparator(value[i]))
        {
            if (value[i] != separator)
            {
                failure = new(IdentifierError.WrongSeparator, i);
                return false;
            }

            i++;
        }

        if (value.Length - i < PartyCodeLength
            || !IdentifierText.IsAlphanumeric(value[i])
            || !IdentifierText.IsAlphanumeric(value[i + 1])
            || !IdentifierText.IsAlphanumeric(value[i + 2]))
        {
            failure = new(IdentifierError.InvalidPartyCode, i);
            return false;
        }

        partyStart = i;
        failure = default;
        return true;
    }
}
