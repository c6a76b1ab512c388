using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The sections of <c>Roaming:*</c> settings that tune how the endpoint works, each bound to its options class and
/// validated at start (<c>ValidateOnStart</c>). Who and where the endpoint is (role, party, listeners, partners,
/// storage) is read before the host is built, by <see cref="EndpointSettings"/>, since it decides what the host is.
/// </summary>
internal static class SettingsSections
{
    /// <summary>Binds and validates every section.</summary>
    public static IServiceCollection AddSettingsSections(this IServiceCollection services, IConfiguration configuration)
    {
        Add<HandshakeOptions>(services, configuration, "Handshake");
        Add<DeliveryOptions>(services, configuration, "Delivery");
        Add<RequestOptions>(services, configuration, "Requests");
        Add<StreamOptions>(services, configuration, "Streams");
        Add<ChargingOptions>(services, configuration, "Charging");
        Add<ReservationOptions>(services, configuration, "Reservations");
        Add<SupportOptions>(services, configuration, "Support");
        Add<AuthorizationOptions>(services, configuration, "Authorization");
        Add<LimitsOptions>(services, configuration, "Limits");
        return services;
    }

    /// <summary>
    /// The problems of the sections that failed their rules when the host started (one line each, naming the key), or
    /// null when <paramref name="startFailure"/> is another failure. The host reports one failing section as an
    /// <see cref="OptionsValidationException"/> and several as an <see cref="AggregateException"/> of them.
    /// </summary>
    public static IReadOnlyList<string>? ProblemsOf(Exception startFailure) => startFailure switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException { InnerExceptions: var inner } when inner.Count > 0 && inner.All(exception => exception is OptionsValidationException) =>
            [.. inner.Cast<OptionsValidationException>().SelectMany(invalid => invalid.Failures)],
        _ => null,
    };

    /// <summary>The configuration path of a section, e.g. <c>Roaming:Charging</c>.</summary>
    public static string PathOf(string key) => $"{RoamingEndpointOptions.SectionName}:{key}";

    private static void Add<TOptions>(IServiceCollection services, IConfiguration configuration, string key)
        where TOptions : class, ISettingsSection
    {
        var path = PathOf(key);
        services.AddOptions<TOptions>().Bind(configuration.GetSection(path)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(path));
    }
}
