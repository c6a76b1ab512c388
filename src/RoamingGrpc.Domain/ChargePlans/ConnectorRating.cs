namespace RoamingGrpc.Domain.ChargePlans;

/// <summary>
/// What a connector can deliver: <paramref name="Phases"/> (1 for DC), the maximum voltage (line to neutral for AC) and
/// current (per phase), and the maximum power when lower than voltage x current x phases would suggest.
/// </summary>
public sealed record ConnectorRating(int Phases, int MaxVoltage, int MaxAmperage, int? MaxElectricPower)
{
    /// <summary>The maximum power in W: voltage x current x phases, or the maximum electric power where that is lower.</summary>
    public double MaxPowerW => Math.Min(MaxElectricPower ?? double.PositiveInfinity, (double)MaxVoltage * MaxAmperage * Phases);

    /// <summary>The maximum current in A (per phase).</summary>
    public double MaxCurrentA => MaxAmperage;

    /// <summary>The power in W that a current of <paramref name="amperes"/> per phase gives at the maximum voltage.</summary>
    public double WattsAt(double amperes) => amperes * MaxVoltage * Phases;
}
