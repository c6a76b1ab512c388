using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Simulator;

/// <summary>
/// Stands in for a CSO's charging stations: generates sites with EVSEs and connectors (realistic ids, positions
/// and capabilities) and reports status changes at a given rate through the back-office API, printing progress.
/// </summary>
internal sealed class StationSimulator(CsoBackofficeService.CsoBackofficeServiceClient backoffice, string operatorId, TextWriter output, int seed = 63119)
{
    private static readonly EvseStatus[] Cycle = [EvseStatus.Available, EvseStatus.Charging, EvseStatus.Available, EvseStatus.Reserved, EvseStatus.Charging, EvseStatus.Available, EvseStatus.Outoforder];
    private readonly Random _random = new(seed);

    /// <summary>Creates <paramref name="sites"/> sites of <paramref name="evsesPerSite"/> EVSEs; returns the EVSE ids.</summary>
    public async Task<IReadOnlyList<string>> PublishSitesAsync(int sites, int evsesPerSite, CancellationToken cancellationToken)
    {
        var evseIds = new List<string>(sites * evsesPerSite);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < sites; i++)
        {
            var site = Site(i, evsesPerSite);
            await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }, cancellationToken: cancellationToken).ConfigureAwait(false);
            evseIds.AddRange(site.Evses.Select(evse => evse.EvseId));
            if ((i + 1) % 100 == 0 || i + 1 == sites)
            {
                await output.WriteLineAsync($"sites: {i + 1}/{sites} published ({(i + 1) / watch.Elapsed.TotalSeconds:0}/s)").ConfigureAwait(false);
            }
        }

        return evseIds;
    }

    /// <summary>
    /// Reports <paramref name="changes"/> status changes spread over the EVSEs at about <paramref name="perSecond"/>
    /// changes per second (0 = as fast as the endpoint takes them), in batches; returns the changes applied.
    /// </summary>
    public async Task<long> RunStatusAsync(IReadOnlyList<string> evseIds, long changes, int perSecond, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evseIds);
        var position = new int[evseIds.Count];
        var watch = Stopwatch.StartNew();
        var nextReport = TimeSpan.FromSeconds(1);
        long sent = 0;
        long applied = 0;
        while (sent < changes)
        {
            var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < batchSize && sent < changes; i++, sent++)
            {
                var evse = _random.Next(evseIds.Count);
                position[evse] = (position[evse] + 1) % Cycle.Length;
                request.Statuses.Add(new EvseStatusEvent { EvseId = evseIds[evse], Status = Cycle[position[evse]], ChangeTime = Timestamp.FromDateTimeOffset(now) });
            }

            var response = await backoffice.ReportEvseStatusAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            applied += response.AppliedCount;
            if (perSecond > 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / perSecond);
                if (due > watch.Elapsed)
                {
                    await Task.Delay(due - watch.Elapsed, cancellationToken).ConfigureAwait(false);
                }
            }

            if (watch.Elapsed >= nextReport || sent == changes)
            {
                await output.WriteLineAsync($"status: {sent}/{changes} reported, {applied} applied ({sent / watch.Elapsed.TotalSeconds:0}/s)").ConfigureAwait(false);
                nextReport = watch.Elapsed + TimeSpan.FromSeconds(1);
            }
        }

        return applied;
    }

    private Site Site(int index, int evses)
    {
        var code = $"SIM{index:D5}";
        var dc = _random.Next(3) == 0;
        var site = new Site
        {
            SiteId = code,
            Name = $"Simulated site {index}",
            Address = $"Teststrasse {1 + (index % 200)}",
            City = "Berlin",
            PostalCode = $"{10000 + (index % 89999):D5}",
            CountryCode = operatorId[..2],
            Coordinates = new GeoLocation { Latitude = 47.3 + (_random.NextDouble() * 7.7), Longitude = 5.9 + (_random.NextDouble() * 9.1) },
            TimeZone = "Europe/Berlin",
            OpeningHours = new OpeningHours { Twentyfourseven = true },
        };
        for (var e = 1; e <= evses; e++)
        {
            site.Evses.Add(new Evse
            {
                EvseId = $"{operatorId}*E{code}*{e}",
                Capabilities = { EvseCapability.RemoteStartStopCapable, EvseCapability.RfidReader, EvseCapability.UnlockCapable, EvseCapability.Reservable },
                Connectors =
                {
                    new Connector
                    {
                        ConnectorId = "1",
                        Standard = dc ? ConnectorStandard.Iec62196T2Combo : ConnectorStandard.Iec62196T2,
                        Format = dc ? ConnectorFormat.Cable : ConnectorFormat.Socket,
                        PowerType = dc ? PowerType.Dc : PowerType.Ac3Phase,
                        MaxVoltage = dc ? 920 : 400,
                        MaxAmperage = dc ? 250 : 32,
                        MaxElectricPower = dc ? 150_000 : 22_000,
                    },
                },
            });
        }

        return site;
    }
}
