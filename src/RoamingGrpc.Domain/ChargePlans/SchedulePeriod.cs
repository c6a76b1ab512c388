namespace RoamingGrpc.Domain.ChargePlans;

/// <summary>One period of a charging schedule: from <paramref name="StartOffset"/> after the schedule start, at most <paramref name="Limit"/> (W or A).</summary>
public sealed record SchedulePeriod(TimeSpan StartOffset, double Limit);
