using System.Text;
using RoamingGrpc.Domain.Tokens;

namespace RoamingGrpc.Domain.Tests.Tokens;

public sealed class TokenUidHashTests
{
    [Fact]
    public void Compute_SaltThenUid_IsSha256OfTheConcatenationInLowerHex()
    {
        // SHA-256("abc") from FIPS 180-2: the salt "ab" followed by the uid "c".
        var hash = TokenUidHash.Compute(Encoding.ASCII.GetBytes("ab"), "c");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
        Assert.True(TokenUidHash.IsWellFormed(hash));
    }

    [Fact]
    public void Compute_DifferentSalts_DifferentHashes()
    {
        var first = TokenUidHash.Compute(TokenUidHash.NewSalt(), "04A1B2C3");
        var second = TokenUidHash.Compute(TokenUidHash.NewSalt(), "04A1B2C3");

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ba7816bf")]
    [InlineData("za7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void IsWellFormed_NotSixtyFourHexDigits_False(string? value) => Assert.False(TokenUidHash.IsWellFormed(value));
}
