using CsCheck;
using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

/// <summary>CsCheck generators of valid identifiers in random case, with and without optional separators.</summary>
internal static class IdentifierGenerators
{
    public const string Alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static readonly Gen<string> Country = Gen.OneOf(CountryCode.AssignedCodes.ToArray());

    public static readonly Gen<char> Alphanumeric = Gen.Char[Alphanumerics];

    public static readonly Gen<string> PartyCode = Alphanumeric.Array[3].Select(chars => new string(chars));

    // The 8 characters after the instance's leading C.
    public static readonly Gen<string> InstanceBody = Alphanumeric.Array[8].Select(chars => new string(chars));

    // 1..30 letters, digits and '*', starting with a letter or digit.
    public static readonly Gen<string> EvseSuffix =
        Gen.Select(Alphanumeric, Gen.Char[Alphanumerics + "*"].Array[0, 29], (first, rest) => first + new string(rest));

    // Random lower/upper case per character (enough flags for the longest id generated here).
    private static readonly Gen<bool[]> CaseFlags = Gen.Bool.Array[40];

    public static readonly Gen<Spelling> Operator =
        Gen.Select(Country, PartyCode, Gen.Bool, CaseFlags, (country, party, separated, lower) => new Spelling(
            RandomCase(country + (separated ? "*" : string.Empty) + party, lower),
            country + "*" + party));

    public static readonly Gen<Spelling> Provider =
        Gen.Select(Country, PartyCode, Gen.Bool, CaseFlags, (country, party, separated, lower) => new Spelling(
            RandomCase(country + (separated ? "-" : string.Empty) + party, lower),
            country + "-" + party));

    public static readonly Gen<Spelling> Evse =
        Gen.Select(Country, PartyCode, EvseSuffix, Gen.Bool.Array[2], CaseFlags, (country, party, suffix, separated, lower) =>
            new Spelling(
                RandomCase(
                    country + (separated[0] ? "*" : string.Empty) + party + (separated[1] ? "*" : string.Empty) + "E" + suffix,
                    lower),
                country + "*" + party + "*E" + suffix));

    public static readonly Gen<Spelling> Contract =
        Gen.Select(Country, PartyCode, InstanceBody, Gen.Bool.Array[4], CaseFlags, (country, party, body, flags, lower) =>
        {
            var instance = "C" + body;
            var check = ContractId.ComputeCheckCharacter(country + party + instance);
            var input = country + (flags[0] ? "-" : string.Empty) + party + (flags[1] ? "-" : string.Empty) + instance;
            if (flags[2])
            {
                input += (flags[3] ? "-" : string.Empty) + check;
            }

            return new Spelling(RandomCase(input, lower), $"{country}-{party}-{instance}-{check}");
        });

    /// <summary>Any of the four kinds with a separator, as the canonical strings of valid identifiers.</summary>
    public static readonly Gen<string> AnyCanonical =
        Gen.OneOf(Operator, Provider, Evse, Contract).Select(spelling => spelling.Canonical);

    private static string RandomCase(string value, bool[] lower) =>
        string.Create(value.Length, (value, lower), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = state.value[i];
                span[i] = state.lower[i % state.lower.Length] ? char.ToLowerInvariant(c) : c;
            }
        });
}
