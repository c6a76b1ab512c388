using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>Valid sites of operator DE*ABC for tests.</summary>
public static class TestSites
{
    public static Site Create(string siteId, int evses = 2, string operatorEvsePrefix = "DE*ABC")
    {
        var site = new Site
        {
            SiteId = siteId,
            Name = $"Charging park {siteId}",
            Address = "Hauptstrasse 1",
            City = "Berlin",
            PostalCode = "10115",
            CountryCode = "DE",
            Coordinates = new GeoLocation { Latitude = 52.520008, Longitude = 13.404954 },
            TimeZone = "Europe/Berlin",
            OpeningHours = new OpeningHours { Twentyfourseven = true },
            Facilities = { Facility.Supermarket },
        };
        for (var i = 1; i <= evses; i++)
        {
            site.Evses.Add(new Evse
            {
                EvseId = $"{operatorEvsePrefix}*E{siteId}*{i}",
                Capabilities = { EvseCapability.RemoteStartStopCapable, EvseCapability.RfidReader },
                Connectors =
                {
                    new Connector
                    {
                        ConnectorId = "1",
                        Standard = ConnectorStandard.Iec62196T2Combo,
                        Format = ConnectorFormat.Cable,
                        PowerType = PowerType.Dc,
                        MaxVoltage = 920,
                        MaxAmperage = 200,
                        MaxElectricPower = 150_000,
                    },
                },
            });
        }

        return site;
    }
}
