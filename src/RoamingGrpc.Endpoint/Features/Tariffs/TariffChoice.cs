using System.Diagnostics.CodeAnalysis;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Storage.Tariffs;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// Which of a CSO's tariffs a CSP sees and which one prices its session at a connector (the same rule for cost
/// estimates, cost so far, SDRs and the CSP's navigation): a connector lists the tariffs of every partner; a CSP sees
/// the general ones and its own, and its own replaces a general one. Of those, the first in the connector's order that
/// is valid at the session start applies.
/// </summary>
internal static class TariffChoice
{
    /// <summary>True when <paramref name="row"/> exists, is not removed, and is general or meant for <paramref name="provider"/>.</summary>
    public static bool VisibleTo([NotNullWhen(true)] TariffRow? row, string provider) =>
        row is { Removed: false } && (row.TargetProvider is null || row.TargetProvider == provider);

    /// <summary>
    /// True when the tariff is valid at <paramref name="at"/> (start inclusive, end exclusive). No start time is no lower
    /// bound (tariffs.proto, as OCPI): a tariff published after a session started still prices it, so a CSP that holds
    /// the tariff can price the session the same way, which it could not if validity hung on a publication time.
    /// </summary>
    public static bool ValidAt(Tariff tariff, DateTimeOffset at) =>
        (tariff.StartTime is null || tariff.StartTime.ToDateTimeOffset() <= at) && (tariff.EndTime is null || at < tariff.EndTime.ToDateTimeOffset());

    /// <summary>The tariff that applies to <paramref name="provider"/> among a connector's stored tariffs (in its order), or null.</summary>
    public static Tariff? Applicable(IEnumerable<TariffRow?> connectorTariffs, string provider, DateTimeOffset at) =>
        Applicable(connectorTariffs.Select(row => VisibleTo(row, provider) ? Tariff.Parser.ParseFrom(row.Payload) : null), provider, at);

    /// <summary>The tariff that applies to <paramref name="provider"/> among a connector's tariffs (in its order; null = unknown id), or null.</summary>
    public static Tariff? Applicable(IEnumerable<Tariff?> connectorTariffs, string provider, DateTimeOffset at)
    {
        Tariff? general = null;
        foreach (var tariff in connectorTariffs)
        {
            if (tariff is not { Removed: false } || (tariff.TargetProviderId.Length > 0 && tariff.TargetProviderId != provider) || !ValidAt(tariff, at))
            {
                continue;
            }

            if (tariff.TargetProviderId.Length > 0)
            {
                return tariff;
            }

            general ??= tariff;
        }

        return general;
    }
}
