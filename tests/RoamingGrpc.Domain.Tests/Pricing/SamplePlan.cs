using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>A generated sample: seconds after the previous one, Wh delivered since it, and what it says.</summary>
internal sealed record SamplePlan(int GapSeconds, int EnergyWh, UsageActivity Activity, int? PowerKw, int? CurrentA);
