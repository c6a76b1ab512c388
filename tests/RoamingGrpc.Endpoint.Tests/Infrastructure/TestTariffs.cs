using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>Valid tariffs of operator DE*ABC for tests: energy with VAT, a time component, a flat fee.</summary>
public static class TestTariffs
{
    public static Tariff Create(string tariffId, string target = "") => new()
    {
        TariffId = tariffId,
        Currency = "EUR",
        TargetProviderId = target,
        Elements =
        {
            new TariffElement
            {
                PriceComponents =
                {
                    new PriceComponent { Type = TariffDimensionType.Energy, Price = Eur("0.39"), VatPercent = "19", StepSize = 1 },
                    new PriceComponent { Type = TariffDimensionType.Time, Price = Eur("1.20"), VatPercent = "19", StepSize = 60 },
                },
                Restrictions = new TariffRestrictions { StartTimeOfDay = "06:00", EndTimeOfDay = "22:00" },
            },
            new TariffElement
            {
                PriceComponents = { new PriceComponent { Type = TariffDimensionType.Flat, Price = Eur("0.50"), VatPercent = "19" } },
            },
        },
    };

    private static Money Eur(string amount) => new() { CurrencyCode = "EUR", Amount = amount };
}
