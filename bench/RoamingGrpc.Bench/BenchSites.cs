using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>
/// The CSO's sites in the benchmarks: by default the stream scenarios' 200 sites of 50 EVSEs (10 000 EVSEs); the
/// scale scenario seeds more sites of 10 EVSEs each (<see cref="Create(int, int, int)"/>).
/// </summary>
internal static class BenchSites
{
    public const int Sites = 200;
    public const int EvsesPerSite = 50;

    public static IEnumerable<Site> Create() => Create(0, Sites, EvsesPerSite);

    /// <summary>Sites <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1, each with <paramref name="evsesPerSite"/> EVSEs.</summary>
    public static IEnumerable<Site> Create(int first, int count, int evsesPerSite)
    {
        var operatorId = BenchParties.Cso.PartyId;
        for (var index = first; index < first + count; index++)
        {
            var site = new Site
            {
                SiteId = SiteId(index),
                Name = $"Bench site {index}",
                Address = $"Teststrasse {1 + (index % 200)}",
                City = "Berlin",
                PostalCode = $"{10000 + (index % 90000):D5}",
                CountryCode = operatorId[..2],
                Coordinates = new GeoLocation { Latitude = 52.0 + ((index % 1000) * 0.001), Longitude = 13.0 + ((index % 1000) * 0.001) },
                TimeZone = "Europe/Berlin",
                OpeningHours = new OpeningHours { Twentyfourseven = true },
            };
            for (var e = 1; e <= evsesPerSite; e++)
            {
                site.Evses.Add(new Evse
                {
                    EvseId = EvseId(index, e),
                    Capabilities = { EvseCapability.RemoteStartStopCapable, EvseCapability.RfidReader },
                    Connectors =
                    {
                        new Connector
                        {
                            ConnectorId = "1",
                            Standard = ConnectorStandard.Iec62196T2,
                            Format = ConnectorFormat.Socket,
                            PowerType = PowerType.Ac3Phase,
                            MaxVoltage = 400,
                            MaxAmperage = 32,
                            MaxElectricPower = 22_000,
                        },
                    },
                });
            }

            yield return site;
        }
    }

    /// <summary>The EVSE ids of <paramref name="sites"/> sites of <paramref name="evsesPerSite"/> EVSEs, site by site.</summary>
    public static List<string> EvseIds(int sites, int evsesPerSite)
    {
        var ids = new List<string>(sites * evsesPerSite);
        for (var index = 0; index < sites; index++)
        {
            for (var e = 1; e <= evsesPerSite; e++)
            {
                ids.Add(EvseId(index, e));
            }
        }

        return ids;
    }

    public static string SiteId(int index) => $"SIM{index:D5}";

    private static string EvseId(int site, int evse) => $"{BenchParties.Cso.PartyId}*E{SiteId(site)}*{evse}";
}
