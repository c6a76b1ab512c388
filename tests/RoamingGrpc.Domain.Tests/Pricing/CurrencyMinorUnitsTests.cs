using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

public sealed class CurrencyMinorUnitsTests
{
    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("chf", 2)]
    [InlineData("CZK", 2)]
    [InlineData("JPY", 0)]
    [InlineData("ISK", 0)]
    [InlineData("KWD", 3)]
    [InlineData("TND", 3)]
    [InlineData("AUD", 2)]
    public void Of_Currency_ReturnsIso4217Exponent(string currency, int expected) =>
        Assert.Equal(expected, CurrencyMinorUnits.Of(currency));

    [Theory]
    [InlineData(2.345, "EUR", 2.35)]
    [InlineData(2.355, "EUR", 2.36)]
    [InlineData(-2.345, "EUR", -2.35)]
    [InlineData(0.5, "JPY", 1)]
    [InlineData(1.5, "JPY", 2)]
    [InlineData(2.5, "JPY", 3)]
    [InlineData(1.0005, "BHD", 1.001)]
    public void Round_Midpoint_RoundsAwayFromZero(double amount, string currency, double expected) =>
        Assert.Equal((decimal)expected, CurrencyMinorUnits.Round((decimal)amount, currency));
}
