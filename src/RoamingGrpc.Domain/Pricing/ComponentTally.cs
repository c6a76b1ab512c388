namespace RoamingGrpc.Domain.Pricing;

/// <summary>The volume one price component priced so far, billed with its step size at the end.</summary>
internal sealed class ComponentTally(ComponentRef position, PricingComponent component, BilledDimension dimension)
{
    private const decimal TicksPerSecond = TimeSpan.TicksPerSecond;
    private const decimal SecondsPerHour = 3600m;
    private const decimal WhPerKwh = 1000m;

    private decimal _energyKwh;
    private long _ticks;
    private int _count;

    public BilledDimension Dimension => dimension;

    public void AddEnergy(decimal kwh) => _energyKwh += kwh;

    public void AddTicks(long ticks) => _ticks += ticks;

    public void AddOne() => _count++;

    public BilledComponent Bill()
    {
        var step = component.StepSize > 1 ? component.StepSize : 0;
        decimal volume, billed, cost;
        switch (dimension)
        {
            case BilledDimension.Energy:
                volume = _energyKwh;
                billed = step == 0 ? volume : decimal.Ceiling(volume * WhPerKwh / step) * step / WhPerKwh;
                cost = billed * component.Price;
                break;
            case BilledDimension.Flat or BilledDimension.ReservationFlat:
                volume = billed = _count;
                cost = _count * component.Price;
                break;
            default:
                var seconds = _ticks / TicksPerSecond;
                var billedSeconds = step == 0 ? seconds : decimal.Ceiling(seconds / step) * step;
                volume = seconds / SecondsPerHour;
                billed = billedSeconds / SecondsPerHour;
                cost = billedSeconds * component.Price / SecondsPerHour;
                break;
        }

        return new BilledComponent(position.Element, position.Component, dimension, component.Price, component.VatPercent, component.StepSize, volume, billed, cost);
    }
}
