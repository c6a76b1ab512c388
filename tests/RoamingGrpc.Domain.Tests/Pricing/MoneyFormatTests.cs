using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

public sealed class MoneyFormatTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("12.30", "12.3")]
    [InlineData("0.3950", "0.395")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("999999999999999.999999", "999999999999999.999999")]
    public void Parse_ContractAmount_ReturnsExactDecimal(string amount, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MoneyFormat.Parse(amount));

    [Theory]
    [InlineData("")]
    [InlineData("+1")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1.1234567")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData(" 1")]
    [InlineData("1000000000000000")]
    [InlineData("--1")]
    [InlineData("1.2.3")]
    public void Parse_NotContractGrammar_ThrowsFormatException(string amount)
    {
        Assert.Throws<FormatException>(() => MoneyFormat.Parse(amount));
        Assert.False(MoneyFormat.TryParse(amount, out _));
    }

    [Theory]
    [InlineData(12.3, "EUR", "12.30")]
    [InlineData(0.125, "EUR", "0.13")]
    [InlineData(-0.125, "EUR", "-0.13")]
    [InlineData(-0.001, "EUR", "0.00")]
    [InlineData(437.5, "JPY", "438")]
    [InlineData(0.0875, "KWD", "0.088")]
    [InlineData(7, "XXX", "7.00")]
    public void Format_Amount_RoundsHalfAwayFromZeroToMinorDigits(double amount, string currency, string expected) =>
        Assert.Equal(expected, MoneyFormat.Format((decimal)amount, currency));

    [Fact]
    public void Format_TooLarge_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MoneyFormat.Format(1_000_000_000_000_000m, "EUR"));
}
