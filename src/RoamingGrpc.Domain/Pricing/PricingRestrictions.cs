namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// When a tariff element applies; every set condition must hold. Minimums are inclusive, maximums exclusive. Times of
/// day, dates and weekdays are local to the site's time zone; energy and duration are counted from the start of the
/// session (of the reservation, for reservation elements).
/// </summary>
public sealed record PricingRestrictions
{
    /// <summary>Local time of day from which the element applies (inclusive).</summary>
    public TimeOnly? StartTimeOfDay { get; init; }

    /// <summary>Local time of day until which the element applies (exclusive); before <see cref="StartTimeOfDay"/> = crosses midnight.</summary>
    public TimeOnly? EndTimeOfDay { get; init; }

    /// <summary>Local date from which the element applies (inclusive).</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary>Local date until which the element applies (exclusive).</summary>
    public DateOnly? EndDate { get; init; }

    /// <summary>Local days of the week on which the element applies; empty = every day.</summary>
    public IReadOnlyCollection<DayOfWeek> DaysOfWeek { get; init; } = [];

    /// <summary>Minimum energy delivered in the session so far, kWh (inclusive).</summary>
    public decimal? MinKwh { get; init; }

    /// <summary>Maximum energy delivered in the session so far, kWh (exclusive).</summary>
    public decimal? MaxKwh { get; init; }

    /// <summary>Minimum charging power, kW (inclusive).</summary>
    public decimal? MinPowerKw { get; init; }

    /// <summary>Maximum charging power, kW (exclusive).</summary>
    public decimal? MaxPowerKw { get; init; }

    /// <summary>Minimum charging current, A (inclusive).</summary>
    public decimal? MinCurrentA { get; init; }

    /// <summary>Maximum charging current, A (exclusive).</summary>
    public decimal? MaxCurrentA { get; init; }

    /// <summary>Minimum duration of the session so far (inclusive).</summary>
    public TimeSpan? MinDuration { get; init; }

    /// <summary>Maximum duration of the session so far (exclusive).</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>Whether the element prices reservations instead of charging and parking.</summary>
    public ReservationRestrictionType Reservation { get; init; }

    /// <summary>True when a condition depends on local time, date or weekday.</summary>
    internal bool HasCalendarCondition =>
        StartTimeOfDay is not null || EndTimeOfDay is not null || StartDate is not null || EndDate is not null || DaysOfWeek.Count > 0;
}
