namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Reservation settings of a CSO endpoint (<c>Roaming:Reservations</c>), UC3-8.</summary>
internal sealed class ReservationOptions : ISettingsSection
{
    /// <summary>The largest <see cref="MaxDuration"/> accepted at start: a reservation holds an EVSE for a trip, not for days.</summary>
    public static readonly TimeSpan LongestMaxDuration = TimeSpan.FromHours(24);

    /// <summary>
    /// The longest reservation accepted: CreateReservation refuses an expiry_time further ahead than this
    /// (INVALID_ARGUMENT / INVALID_FIELD). More than zero, at most 24 hours.
    /// </summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often reservations whose expiry time passed are looked for and expired.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[]
        {
            SettingRules.Within(section, nameof(MaxDuration), MaxDuration, LongestMaxDuration),
            SettingRules.Positive(section, nameof(ExpirySweepInterval), ExpirySweepInterval),
        }.OfType<string>();
}
