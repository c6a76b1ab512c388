namespace RoamingGrpc.Domain.Pricing;

/// <summary>Whether an element's restrictions all hold at a point.</summary>
internal static class RestrictionCheck
{
    public static bool Holds(PricingRestrictions? restrictions, in PricingPoint point)
    {
        var reservation = restrictions?.Reservation ?? ReservationRestrictionType.None;
        var phaseFits = point.Phase switch
        {
            PricingPhase.Session => reservation == ReservationRestrictionType.None,
            PricingPhase.Reservation => reservation == ReservationRestrictionType.Reservation,
            _ => reservation != ReservationRestrictionType.None,
        };
        if (!phaseFits)
        {
            return false;
        }

        if (restrictions is null)
        {
            return true;
        }

        var date = DateOnly.FromDateTime(point.Local);
        return TimeOfDayHolds(restrictions.StartTimeOfDay, restrictions.EndTimeOfDay, TimeOnly.FromDateTime(point.Local))
            && !(date < restrictions.StartDate)
            && date < (restrictions.EndDate ?? DateOnly.MaxValue)
            && (restrictions.DaysOfWeek.Count == 0 || restrictions.DaysOfWeek.Contains(point.Local.DayOfWeek))
            && Within(point.EnergyKwh, restrictions.MinKwh, restrictions.MaxKwh)
            && Within(point.PowerKw, restrictions.MinPowerKw, restrictions.MaxPowerKw)
            && CurrentHolds(point.CurrentA, restrictions.MinCurrentA, restrictions.MaxCurrentA)
            && !(point.Duration < restrictions.MinDuration)
            && !(point.Duration >= restrictions.MaxDuration);
    }

    // Start inclusive, end exclusive; an end before the start crosses midnight; equal start and end = the whole day.
    private static bool TimeOfDayHolds(TimeOnly? start, TimeOnly? end, TimeOnly time) => (start, end) switch
    {
        (null, null) => true,
        ({ } from, null) => time >= from,
        (null, { } to) => time < to,
        ({ } from, { } to) when from < to => time >= from && time < to,
        ({ } from, { } to) when from > to => time >= from || time < to,
        _ => true,
    };

    private static bool Within(decimal value, decimal? min, decimal? max) => !(value < min) && !(value >= max);

    // A current restriction cannot be shown to hold while the current is unknown.
    private static bool CurrentHolds(decimal? current, decimal? min, decimal? max) =>
        (min is null && max is null) || (current is { } known && Within(known, min, max));
}
