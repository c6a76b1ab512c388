using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Demo;

/// <summary>Three sites of the demo operator DE*ABC.</summary>
internal static class DemoSites
{
    public static IEnumerable<Site> Create()
    {
        yield return Site("BER-HBF", "Berlin Hauptbahnhof P1", "Europaplatz 1", "Berlin", "10557", 52.525084, 13.369402, dc: 2, ac: 2);
        yield return Site("MUC-MARIENPLATZ", "Marienplatz Tiefgarage", "Marienplatz 8", "München", "80331", 48.137154, 11.576124, dc: 0, ac: 3);
        yield return Site("HAM-HAFEN", "Hafencity Parkhaus", "Am Sandtorkai 1", "Hamburg", "20457", 53.541523, 9.984198, dc: 1, ac: 1);
    }

    private static Site Site(string id, string name, string address, string city, string postalCode, double latitude, double longitude, int dc, int ac)
    {
        var site = new Site
        {
            SiteId = id,
            Name = name,
            Address = address,
            City = city,
            PostalCode = postalCode,
            CountryCode = "DE",
            Coordinates = new GeoLocation { Latitude = latitude, Longitude = longitude },
            TimeZone = "Europe/Berlin",
            OpeningHours = new OpeningHours { Twentyfourseven = true },
        };
        var code = id.Replace("-", string.Empty, StringComparison.Ordinal);
        for (var i = 1; i <= dc + ac; i++)
        {
            var isDc = i <= dc;
            site.Evses.Add(new Evse
            {
                EvseId = $"DE*ABC*E{code}*{i}",
                Capabilities = { EvseCapability.RemoteStartStopCapable, EvseCapability.RfidReader, EvseCapability.UnlockCapable, EvseCapability.Reservable, EvseCapability.ChargingProfileCapable },
                Connectors =
                {
                    new Connector
                    {
                        ConnectorId = "1",
                        Standard = isDc ? ConnectorStandard.Iec62196T2Combo : ConnectorStandard.Iec62196T2,
                        Format = isDc ? ConnectorFormat.Cable : ConnectorFormat.Socket,
                        PowerType = isDc ? PowerType.Dc : PowerType.Ac3Phase,
                        MaxVoltage = isDc ? 920 : 400,
                        MaxAmperage = isDc ? 300 : 32,
                        MaxElectricPower = isDc ? 150_000 : 22_000,
                        TariffIds = { isDc ? ["DC-8EO-CONTRACT", "DC-ZZZ-CONTRACT", "AC-STANDARD"] : ["AC-STANDARD"] },
                    },
                },
            });
        }

        return site;
    }
}
