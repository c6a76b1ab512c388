using System.Diagnostics.CodeAnalysis;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Storage.Tariffs;

namespace RoamingGrpc.Endpoint.Mapping;

/// <summary>
/// Which of the CSO's tariffs a CSP sees and which one prices its session at a connector (the same rule for cost
/// estimates, cost so far and SDRs): a connector lists the tariffs of every partner; a CSP sees the general ones and
/// its own, and its own replaces a general one. Of those, the first in the connector's order that is valid at the
/// session start applies.
/// </summary>
internal static class TariffChoice
{
    /// <summary>True when <paramref name="row"/> exists, is not removed, and is general or meant for <paramref name="provider"/>.</summary>
    public static bool VisibleTo([NotNullWhen(true)] TariffRow? row, string provider) =>
        row is { Removed: false } && (row.TargetProvider is null || row.TargetProvider == provider);

    /// <summary>True when the tariff is valid at <paramref name="at"/> (start inclusive, end exclusive).</summary>
    public static bool ValidAt(Tariff tariff, DateTimeOffset at) =>
        (tariff.StartTime is null || tariff.StartTime.ToDateTimeOffset() <= at) && (tariff.EndTime is null || at < tariff.EndTime.ToDateTimeOffset());

    /// <summary>The tariff that applies to <paramref name="provider"/> among a connector's tariffs (in its order), or null.</summary>
    public static Tariff? Applicable(IEnumerable<TariffRow?> connectorTariffs, string provider, DateTimeOffset at)
    {
        Tariff? general = null;
        foreach (var row in connectorTariffs)
        {
            if (!VisibleTo(row, provider))
            {
                continue;
            }

            var tariff = Tariff.Parser.ParseFrom(row.Payload);
            if (!ValidAt(tariff, at))
            {
                continue;
            }

            if (row.TargetProvider is not null)
            {
                return tariff;
            }

            general ??= tariff;
        }

        return general;
    }
}
