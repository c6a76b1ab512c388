namespace RoamingGrpc.Domain.Pricing;

/// <summary>One pricing of one session: splits it into periods, lets elements price them, then totals. See <see cref="TariffPricer"/>.</summary>
internal sealed class PricingRun
{
    private const decimal TicksPerHour = TimeSpan.TicksPerHour;

    private readonly PricingTariff _tariff;
    private readonly UsageTimeline _usage;
    private readonly TimeZoneInfo _zone;
    private readonly long[] _calendar;
    private readonly Dictionary<ComponentRef, ComponentTally> _tallies = [];
    private readonly List<PricingPeriod> _periods = [];
    private long _chargingTicks;
    private long _parkingTicks;

    public PricingRun(PricingTariff tariff, UsageTimeline usage, TimeZoneInfo zone)
    {
        _tariff = tariff;
        _usage = usage;
        _zone = zone;
        var restrictions = tariff.Elements.Select(element => element.Restrictions).OfType<PricingRestrictions>().ToList();
        _calendar = restrictions.Any(restriction => restriction.HasCalendarCondition)
            ? CalendarBoundaries.Between(
                usage.ReservationStart ?? usage.Start,
                usage.End,
                zone,
                restrictions.SelectMany(restriction => new[] { restriction.StartTimeOfDay, restriction.EndTimeOfDay }).OfType<TimeOnly>())
            : [];
    }

    /// <summary>Prices the time from the reservation's start to the session's start (the expiry, for an expired reservation).</summary>
    public void PriceReservation()
    {
        if (_usage.ReservationStart is not { } from)
        {
            return;
        }

        var phase = _usage.ReservationExpired ? PricingPhase.ExpiredReservation : PricingPhase.Reservation;
        var to = _usage.Start;
        var flat = Select(PriceDimension.Flat, ReservationPoint(phase, from, from));
        var splits = Splits(from, to, DurationPoints(from, phase), []);
        var first = true;
        foreach (var (start, end, time) in Groups(from, to, splits, at => Select(PriceDimension.Time, ReservationPoint(phase, at, from))))
        {
            List<PeriodDimension> dimensions = [new(PeriodDimensionType.ReservationTime, (end - start) / TicksPerHour)];
            if (time is { } component)
            {
                Tally(component).AddTicks(end - start);
            }

            AddPeriod(start, end, dimensions, time is not null, first ? flat : null);
            first = false;
        }

        if (first && flat is not null)
        {
            AddPeriod(from, from, [], false, flat);
        }
    }

    /// <summary>Prices charging and parking from the session's start to its end, and the session's flat fee.</summary>
    public void PriceSession()
    {
        var flat = _usage.ReservationExpired ? null : Select(PriceDimension.Flat, SessionPoint(_usage.Start, 0));
        var durations = DurationPoints(_usage.Start, PricingPhase.Session);
        var thresholds = SessionRestrictions()
            .SelectMany(restriction => new[] { restriction.MinKwh, restriction.MaxKwh })
            .OfType<decimal>()
            .Distinct()
            .ToList();
        var first = true;
        for (var i = 0; i < _usage.Count; i++)
        {
            var (from, to) = (_usage.IntervalStart(i), _usage.IntervalEnd(i));
            if (from >= to)
            {
                continue;
            }

            var sample = _usage.Sample(i);
            var charging = sample.Activity == UsageActivity.Charging;
            if (charging)
            {
                _chargingTicks += to - from;
            }
            else
            {
                _parkingTicks += to - from;
            }

            var index = i;
            var crossings = thresholds.Select(kwh => _usage.Crossing(index, kwh)).OfType<long>();
            var splits = Splits(from, to, durations, crossings);
            var timeDimension = charging ? PriceDimension.Time : PriceDimension.ParkingTime;
            foreach (var (start, end, choice) in Groups(from, to, splits, at =>
            {
                var point = SessionPoint(at, index);
                return new SessionChoice(Select(PriceDimension.Energy, point), Select(timeDimension, point));
            }))
            {
                var energy = _usage.EnergyAt(index, end) - _usage.EnergyAt(index, start);
                List<PeriodDimension> dimensions =
                [
                    new(PeriodDimensionType.Energy, energy),
                    new(charging ? PeriodDimensionType.Time : PeriodDimensionType.ParkingTime, (end - start) / TicksPerHour),
                ];
                if (sample.PowerKw is { } power)
                {
                    dimensions.Add(new(PeriodDimensionType.MaxPower, power));
                    dimensions.Add(new(PeriodDimensionType.MinPower, power));
                }

                if (sample.CurrentA is { } current)
                {
                    dimensions.Add(new(PeriodDimensionType.MaxCurrent, current));
                    dimensions.Add(new(PeriodDimensionType.MinCurrent, current));
                }

                if (choice.Energy is { } energyComponent)
                {
                    Tally(energyComponent).AddEnergy(energy);
                }

                if (choice.Time is { } timeComponent)
                {
                    Tally(timeComponent).AddTicks(end - start);
                }

                AddPeriod(start, end, dimensions, choice.Energy is not null || choice.Time is not null, first ? flat : null);
                first = false;
            }
        }

        if (first && flat is not null)
        {
            AddPeriod(_usage.Start, _usage.Start, [], false, flat);
        }
    }

    public PricingResult Result()
    {
        var currency = _tariff.Currency;
        var components = _tallies.OrderBy(pair => pair.Key.Element).ThenBy(pair => pair.Key.Component).Select(pair => pair.Value.Bill()).ToList();
        var unbounded = components.Sum(component => component.CostExclVat);
        var (bounded, limit) = unbounded switch
        {
            _ when unbounded < _tariff.MinPrice => (_tariff.MinPrice.Value, PriceLimit.MinPrice),
            _ when unbounded > _tariff.MaxPrice => (_tariff.MaxPrice.Value, PriceLimit.MaxPrice),
            _ => (unbounded, PriceLimit.None),
        };
        var vat = VatAmounts(components, unbounded, bounded, limit);
        var totalExclVat = CurrencyMinorUnits.Round(bounded, currency);
        decimal? CostOf(params BilledDimension[] dimensions)
        {
            var billed = components.Where(component => dimensions.Contains(component.Dimension)).ToList();
            return billed.Count == 0 ? null : CurrencyMinorUnits.Round(billed.Sum(component => component.CostExclVat), currency);
        }

        return new PricingResult
        {
            TariffId = _tariff.TariffId,
            Currency = currency,
            Periods = _periods,
            Components = components,
            Dimensions = [.. components
                .GroupBy(component => component.Dimension)
                .OrderBy(group => group.Key)
                .Select(group => new DimensionTotal(
                    group.Key,
                    group.Sum(component => component.Volume),
                    group.Sum(component => component.BilledVolume),
                    CurrencyMinorUnits.Round(group.Sum(component => component.CostExclVat), currency)))],
            VatAmounts = vat,
            UnboundedCostExclVat = unbounded,
            AppliedLimit = limit,
            TotalCostExclVat = totalExclVat,
            TotalCostInclVat = totalExclVat + vat.Sum(amount => amount.Amount),
            TotalFixedCostExclVat = CostOf(BilledDimension.Flat),
            TotalEnergyCostExclVat = CostOf(BilledDimension.Energy),
            TotalTimeCostExclVat = CostOf(BilledDimension.Time),
            TotalParkingCostExclVat = CostOf(BilledDimension.ParkingTime),
            TotalReservationCostExclVat = CostOf(BilledDimension.ReservationTime, BilledDimension.ReservationFlat),
            TotalEnergyKwh = _usage.TotalEnergy,
            TotalTime = TimeSpan.FromTicks(_chargingTicks),
            TotalParkingTime = TimeSpan.FromTicks(_parkingTicks),
            TotalReservationTime = _usage.ReservationStart is { } reserved ? TimeSpan.FromTicks(_usage.Start - reserved) : TimeSpan.Zero,
        };
    }

    // Merges the stretches between split points into groups with the same choice; the choice of a stretch is made at
    // its middle, where every condition has its value for the whole stretch.
    private static IEnumerable<(long Start, long End, T Choice)> Groups<T>(long from, long to, IReadOnlyList<long> splits, Func<long, T> choose)
    {
        if (from >= to)
        {
            yield break;
        }

        var comparer = EqualityComparer<T>.Default;
        var (groupStart, stretchStart) = (from, from);
        var current = default(T)!;
        foreach (var stretchEnd in splits.Append(to))
        {
            var choice = choose(stretchStart + ((stretchEnd - stretchStart) / 2));
            if (stretchStart > from && !comparer.Equals(choice, current))
            {
                yield return (groupStart, stretchStart, current);
                groupStart = stretchStart;
            }

            current = choice;
            stretchStart = stretchEnd;
        }

        yield return (groupStart, to, current);
    }

    private List<long> Splits(long from, long to, IEnumerable<long> durations, IEnumerable<long> crossings)
    {
        var first = Array.BinarySearch(_calendar, from);
        first = first >= 0 ? first + 1 : ~first;
        var calendar = _calendar.Skip(first).TakeWhile(instant => instant < to);
        return [.. calendar.Concat(durations).Concat(crossings).Where(instant => instant > from && instant < to).Distinct().Order()];
    }

    private List<long> DurationPoints(long from, PricingPhase phase) =>
        [.. _tariff.Elements
            .Select(element => element.Restrictions)
            .OfType<PricingRestrictions>()
            .Where(restriction => (restriction.Reservation == ReservationRestrictionType.None) == (phase == PricingPhase.Session))
            .SelectMany(restriction => new[] { restriction.MinDuration, restriction.MaxDuration })
            .OfType<TimeSpan>()
            .Where(duration => duration.Ticks <= _usage.End - from)
            .Select(duration => from + duration.Ticks)];

    private IEnumerable<PricingRestrictions> SessionRestrictions() =>
        _tariff.Elements
            .Select(element => element.Restrictions)
            .OfType<PricingRestrictions>()
            .Where(restriction => restriction.Reservation == ReservationRestrictionType.None);

    private PricingPoint SessionPoint(long at, int interval) =>
        new(
            PricingPhase.Session,
            CalendarBoundaries.Local(at, _zone),
            _usage.EnergyAt(interval, at),
            TimeSpan.FromTicks(at - _usage.Start),
            _usage.PowerKw(interval),
            _usage.Sample(interval).CurrentA);

    // Nothing flows while an EV is awaited: no energy, no power, no current.
    private PricingPoint ReservationPoint(PricingPhase phase, long at, long reservationStart) =>
        new(phase, CalendarBoundaries.Local(at, _zone), 0m, TimeSpan.FromTicks(at - reservationStart), 0m, 0m);

    private ComponentRef? Select(PriceDimension dimension, PricingPoint point)
    {
        for (var i = 0; i < _tariff.Elements.Count; i++)
        {
            var element = _tariff.Elements[i];
            if (!RestrictionCheck.Holds(element.Restrictions, point))
            {
                continue;
            }

            for (var j = 0; j < element.Components.Count; j++)
            {
                if (element.Components[j].Dimension == dimension)
                {
                    return new ComponentRef(i, j);
                }
            }
        }

        return null;
    }

    private ComponentTally Tally(ComponentRef position)
    {
        if (!_tallies.TryGetValue(position, out var tally))
        {
            var element = _tariff.Elements[position.Element];
            var component = element.Components[position.Component];
            var reservation = (element.Restrictions?.Reservation ?? ReservationRestrictionType.None) != ReservationRestrictionType.None;
            var dimension = (component.Dimension, reservation) switch
            {
                (PriceDimension.Energy, _) => BilledDimension.Energy,
                (PriceDimension.Time, false) => BilledDimension.Time,
                (PriceDimension.Time, true) => BilledDimension.ReservationTime,
                (PriceDimension.ParkingTime, _) => BilledDimension.ParkingTime,
                (PriceDimension.Flat, false) => BilledDimension.Flat,
                _ => BilledDimension.ReservationFlat,
            };
            tally = new ComponentTally(position, component, dimension);
            _tallies.Add(position, tally);
        }

        return tally;
    }

    private void AddPeriod(long start, long end, List<PeriodDimension> dimensions, bool priced, ComponentRef? flat)
    {
        if (flat is { } fee)
        {
            Tally(fee).AddOne();
            dimensions.Add(new(PeriodDimensionType.Flat, 1m));
        }

        _periods.Add(new PricingPeriod(
            new DateTimeOffset(start, TimeSpan.Zero),
            new DateTimeOffset(end, TimeSpan.Zero),
            dimensions,
            priced || flat is not null ? _tariff.TariffId : null));
    }

    private List<VatAmount> VatAmounts(List<BilledComponent> components, decimal unbounded, decimal bounded, PriceLimit limit)
    {
        var bases = new SortedDictionary<decimal, decimal>();
        if (limit != PriceLimit.None && unbounded == 0m)
        {
            // Only a minimum price raises nothing to something: tax it at the tariff's highest rate (none if no rate is stated).
            var rates = _tariff.Elements.SelectMany(element => element.Components).Select(component => component.VatPercent).OfType<decimal>().ToList();
            if (rates.Count > 0)
            {
                bases[rates.Max()] = bounded;
            }
        }
        else
        {
            foreach (var component in components.Where(component => component.VatPercent is not null))
            {
                var rate = component.VatPercent!.Value;
                var share = limit == PriceLimit.None ? component.CostExclVat : component.CostExclVat * bounded / unbounded;
                bases[rate] = bases.GetValueOrDefault(rate) + share;
            }
        }

        return [.. bases.Select(pair => new VatAmount(
            pair.Key,
            CurrencyMinorUnits.Round(pair.Value, _tariff.Currency),
            CurrencyMinorUnits.Round(pair.Value * pair.Key / 100m, _tariff.Currency)))];
    }
}
