using RoamingGrpc.Domain.Tokens;

namespace RoamingGrpc.Domain.Tests.Tokens;

public sealed class RfidUidTests
{
    [Theory]
    [InlineData("04A1B2C3", "04A1B2C3")]
    [InlineData("04a1b2c3d4e5f6", "04A1B2C3D4E5F6")]
    [InlineData("04:a1:B2:c3", "04A1B2C3")]
    [InlineData("04-A1-B2-C3", "04A1B2C3")]
    [InlineData("04 A1 B2 C3", "04A1B2C3")]
    public void TryNormalize_HexWithOrWithoutSeparators_UpperHexWithoutSeparators(string value, string expected)
    {
        Assert.True(RfidUid.TryNormalize(value, out var normalized, out var problem));
        Assert.Equal(expected, normalized);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("  ", "required")]
    [InlineData("04A1B2C", "whole number of bytes")]
    [InlineData("::", "whole number of bytes")]
    [InlineData("04G1B2C3", "hexadecimal")]
    [InlineData("04_A1", "hexadecimal")]
    public void TryNormalize_Malformed_FalseWithReason(string? value, string reason)
    {
        Assert.False(RfidUid.TryNormalize(value, out var normalized, out var problem));
        Assert.Null(normalized);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_LongerThan32Bytes_False()
    {
        Assert.True(RfidUid.TryNormalize(new string('A', RfidUid.MaxHexDigits), out _, out _));
        Assert.False(RfidUid.TryNormalize(new string('A', RfidUid.MaxHexDigits + 2), out _, out var problem));
        Assert.Contains("at most 64", problem, StringComparison.Ordinal);
    }
}
