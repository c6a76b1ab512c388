using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Demo;

/// <summary>The demo operator's tariffs: one general, one negotiated with DE-8EO, one for another CSP.</summary>
internal static class DemoTariffs
{
    public static IEnumerable<Tariff> Create()
    {
        yield return Tariff("AC-STANDARD", string.Empty, (TariffDimensionType.Energy, "0.39", 1), (TariffDimensionType.Time, "1.20", 60));
        yield return Tariff("DC-8EO-CONTRACT", "DE-8EO", (TariffDimensionType.Flat, "0.50", 0), (TariffDimensionType.Energy, "0.49", 1));
        yield return Tariff("DC-ZZZ-CONTRACT", "FR-ZZZ", (TariffDimensionType.Energy, "0.45", 1));
    }

    private static Tariff Tariff(string id, string target, params (TariffDimensionType Type, string Amount, int Step)[] components)
    {
        var element = new TariffElement();
        element.PriceComponents.AddRange(components.Select(component => new PriceComponent
        {
            Type = component.Type,
            Price = new Money { CurrencyCode = "EUR", Amount = component.Amount },
            VatPercent = "19",
            StepSize = component.Step,
        }));
        return new Tariff { TariffId = id, Currency = "EUR", TargetProviderId = target, Elements = { element } };
    }
}
