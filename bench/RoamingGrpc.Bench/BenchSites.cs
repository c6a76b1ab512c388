using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>The CSO's sites in the stream scenarios: 200 sites of 50 EVSEs (10 000 EVSEs).</summary>
internal static class BenchSites
{
    public const int Sites = 200;
    public const int EvsesPerSite = 50;

    public static IEnumerable<Site> Create()
    {
        var operatorId = BenchParties.Cso.PartyId;
        for (var index = 0; index < Sites; index++)
        {
            var code = $"SIM{index:D5}";
            var site = new Site
            {
                SiteId = code,
                Name = $"Bench site {index}",
                Address = $"Teststrasse {1 + (index % 200)}",
                City = "Berlin",
                PostalCode = $"{10000 + index:D5}",
                CountryCode = operatorId[..2],
                Coordinates = new GeoLocation { Latitude = 52.0 + (index * 0.001), Longitude = 13.0 + (index * 0.001) },
                TimeZone = "Europe/Berlin",
                OpeningHours = new OpeningHours { Twentyfourseven = true },
            };
            for (var e = 1; e <= EvsesPerSite; e++)
            {
                site.Evses.Add(new Evse
                {
                    EvseId = $"{operatorId}*E{code}*{e}",
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
}
