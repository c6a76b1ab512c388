using CsCheck;
using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>
/// CsCheck generators of tariffs and sessions around the 2024 daylight saving changes in Berlin, with restrictions on
/// every condition (times of day in 15 min steps, so some fall into the skipped or repeated hour).
/// </summary>
internal static class PricingGenerators
{
    public static readonly Gen<DateTimeOffset> Start =
        Gen.Select(
            Gen.OneOf(new DateTimeOffset(2024, 3, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 10, 26, 0, 0, 0, TimeSpan.Zero)),
            Gen.Int[0, 2 * 24 * 3600],
            (day, seconds) => day.AddSeconds(seconds));

    public static readonly Gen<SamplePlan> Sample =
        Gen.Select(
            Gen.Int[0, 2 * 3600],
            Gen.Frequency((1, Gen.Const(0)), (2, Gen.Int[0, 40_000])),
            Gen.Enum<UsageActivity>(),
            Maybe(Gen.Int[0, 350]),
            Maybe(Gen.Int[0, 64]),
            (gap, wh, activity, power, current) => new SamplePlan(gap, wh, activity, power, current));

    public static readonly Gen<SamplePlan> SampleWithPower =
        Gen.Select(Sample, Gen.Int[0, 350], (sample, power) => sample with { PowerKw = power });

    public static readonly Gen<UsagePlan> Usage = Plans(Sample);

    public static readonly Gen<UsagePlan> UsageWithPower = Plans(SampleWithPower);

    private static readonly Gen<decimal> Price = Gen.Int[0, 1000].Select(cents => cents / 100m);

    private static readonly Gen<PricingComponent> Component =
        Gen.Select(
            Gen.Enum<PriceDimension>(),
            Price,
            Gen.OneOf<decimal?>(null, 0m, 7m, 19m, 20.5m),
            Gen.OneOf(0, 1, 60, 300, 1000),
            (dimension, price, vat, step) => new PricingComponent(dimension, price, vat, step));

    private static readonly Gen<TimeOnly?> TimeOfDay = Sometimes(Gen.Int[0, 95].Select(quarter => new TimeOnly(quarter / 4, quarter % 4 * 15)));

    private static readonly Gen<DateOnly?> Date =
        Sometimes(Gen.Select(Gen.OneOf(new DateOnly(2024, 3, 29), new DateOnly(2024, 10, 25)), Gen.Int[0, 4], (day, days) => day.AddDays(days)));

    public static Gen<PricingTariff> Tariffs(bool kwhRestrictions) =>
        Gen.Select(
            Element(kwhRestrictions).Array[1, 4],
            Maybe(Gen.Int[0, 5000]),
            Maybe(Gen.Int[0, 5000]),
            (elements, low, high) =>
            {
                var (min, max) = Ordered(low, high);
                return new PricingTariff("T-GEN", "EUR", elements, min / 100m, max / 100m);
            });

    private static Gen<PricingElement> Element(bool kwhRestrictions) =>
        Gen.Select(
            Gen.Frequency((1, Gen.Const((PricingRestrictions?)null)), (3, Restrictions(kwhRestrictions).Select(restrictions => (PricingRestrictions?)restrictions))),
            Component.Array[1, 4],
            (restrictions, components) => new PricingElement(components, restrictions));

    private static Gen<PricingRestrictions> Restrictions(bool kwhRestrictions) =>
        Gen.Select(
            Gen.Select(TimeOfDay, TimeOfDay, Date, Date, Gen.Frequency((3, Gen.Const(Array.Empty<DayOfWeek>())), (1, Gen.Enum<DayOfWeek>().Array[1, 4]))),
            kwhRestrictions ? Range(0, 60) : Gen.Const<(int?, int?)>((null, null)),
            Range(0, 200),
            Range(0, 64),
            Range(0, 3 * 3600),
            Gen.Frequency((6, ReservationRestrictionType.None), (1, ReservationRestrictionType.Reservation), (1, ReservationRestrictionType.ReservationExpires)),
            (calendar, kwh, power, current, seconds, reservation) =>
            {
                var (startTime, endTime, startDate, endDate, days) = calendar;
                return new PricingRestrictions
                {
                    StartTimeOfDay = startTime,
                    EndTimeOfDay = endTime,
                    StartDate = startDate,
                    EndDate = endDate,
                    DaysOfWeek = [.. days.Distinct()],
                    MinKwh = kwh.Item1,
                    MaxKwh = kwh.Item2,
                    MinPowerKw = power.Item1,
                    MaxPowerKw = power.Item2,
                    MinCurrentA = current.Item1,
                    MaxCurrentA = current.Item2,
                    MinDuration = seconds.Item1 is { } min ? TimeSpan.FromSeconds(min) : null,
                    MaxDuration = seconds.Item2 is { } max ? TimeSpan.FromSeconds(max) : null,
                    Reservation = reservation,
                };
            });

    private static Gen<UsagePlan> Plans(Gen<SamplePlan> samples) =>
        Gen.Select(
            Start,
            samples.Array[1, 6],
            Gen.Int[0, 2 * 3600],
            Maybe(Gen.Int[0, 3600]),
            Gen.Int[0, 9],
            (start, list, tail, reservation, expired) => new UsagePlan(start, list, tail, reservation, expired == 0));

    private static Gen<(int?, int?)> Range(int low, int high) =>
        Gen.Select(Sometimes(Gen.Int[low, high]), Sometimes(Gen.Int[low, high]), Ordered);

    private static (int?, int?) Ordered(int? min, int? max) => min > max ? (max, min) : (min, max);

    // Present once in four: restrictions combine many conditions, each should usually be absent.
    private static Gen<T?> Sometimes<T>(Gen<T> gen)
        where T : struct =>
        Gen.Int[0, 3].SelectMany(choice => choice != 0 ? Gen.Const((T?)null) : gen.Select(value => (T?)value));

    private static Gen<T?> Maybe<T>(Gen<T> gen)
        where T : struct =>
        Gen.Int[0, 2].SelectMany(choice => choice == 0 ? Gen.Const((T?)null) : gen.Select(value => (T?)value));
}
