using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The CSO's network in a chaos run, laid out so that every kind of traffic has EVSEs of its own (so that each
/// EVSE's status log is exactly what the driver reported there): status sites (status changes only), one charging
/// site (an EVSE per local and per remote charging worker), one reservation site (an EVSE per reservation worker),
/// one maintenance site (scheduled notices) and churn sites (upserted and removed). Sites are 2 km apart, so that the
/// CSP's FindEvses near a site's coordinates lists that site's EVSEs only. One token per charging and reservation
/// worker.
/// </summary>
internal sealed class ChaosNetwork
{
    /// <summary>The general tariff of the charging and reservation EVSEs (never changed during a run).</summary>
    public const string ChargeTariff = "CHAOS-AC";

    private ChaosNetwork()
    {
    }

    public List<Site> FixedSites { get; } = [];

    public List<string> StatusEvses { get; } = [];

    public List<Slot> LocalSlots { get; } = [];

    public List<Slot> RemoteSlots { get; } = [];

    public List<Slot> ReservationSlots { get; } = [];

    public required Site MaintenanceSite { get; init; }

    public List<string> ChurnSiteIds { get; } = [];

    public List<string> ChurnTariffIds { get; } = [];

    /// <summary>Where each site of the run is (also after its removal, when the CSO's tombstone has no coordinates).</summary>
    public Dictionary<string, GeoLocation> Locations { get; } = new(StringComparer.Ordinal);

    public static ChaosNetwork Create(int statusSites, int evsesPerStatusSite, int localWorkers, int remoteWorkers, int reservationWorkers, int churnSites, int churnTariffs)
    {
        var index = 0;
        var maintenance = Site("CHAOS-MAINT", "CHMAINT", index++, "Chaos maintenance site", 2, ChargeTariff);
        var network = new ChaosNetwork { MaintenanceSite = maintenance };
        network.FixedSites.Add(maintenance);
        for (var s = 0; s < statusSites; s++)
        {
            var site = Site($"CHAOS-STATUS-{s:D2}", $"CHST{s:D2}", index++, $"Chaos status site {s}", evsesPerStatusSite, ChargeTariff);
            network.FixedSites.Add(site);
            network.StatusEvses.AddRange(site.Evses.Select(evse => evse.EvseId));
        }

        var charging = Site("CHAOS-CHARGE", "CHCHG", index++, "Chaos charging site", localWorkers + remoteWorkers, ChargeTariff);
        network.FixedSites.Add(charging);
        for (var w = 0; w < localWorkers + remoteWorkers; w++)
        {
            var slot = new Slot(charging.Evses[w].EvseId, Token("C", w));
            (w < localWorkers ? network.LocalSlots : network.RemoteSlots).Add(slot);
        }

        if (reservationWorkers > 0)
        {
            var reservations = Site("CHAOS-RESERVE", "CHRES", index++, "Chaos reservation site", reservationWorkers, ChargeTariff);
            network.FixedSites.Add(reservations);
            for (var w = 0; w < reservationWorkers; w++)
            {
                network.ReservationSlots.Add(new Slot(reservations.Evses[w].EvseId, Token("R", w)));
            }
        }

        foreach (var site in network.FixedSites)
        {
            network.Locations[site.SiteId] = site.Coordinates;
        }

        for (var c = 0; c < churnSites; c++)
        {
            network.ChurnSiteIds.Add($"CHAOS-CHURN-{c:D2}");
            network.Locations[network.ChurnSiteIds[c]] = Location(index + c);
        }

        for (var t = 0; t < churnTariffs; t++)
        {
            network.ChurnTariffIds.Add($"CHAOS-T{t:D2}");
        }

        network.FirstChurnIndex = index;
        return network;
    }

    /// <summary>The location index of the first churn site (each site has its own point).</summary>
    public int FirstChurnIndex { get; private set; }

    /// <summary>Every token the CSP issues for the run.</summary>
    public IEnumerable<Token> Tokens => LocalSlots.Concat(RemoteSlots).Concat(ReservationSlots).Select(slot => slot.Token);

    /// <summary>Churn site <paramref name="churn"/> at revision <paramref name="revision"/> (the name carries the revision).</summary>
    public Site ChurnSite(int churn, int revision) =>
        Site(ChurnSiteIds[churn], $"CHCH{churn:D2}", FirstChurnIndex + churn, Revised($"Chaos churn site {churn}", revision), 1, ChargeTariff);

    /// <summary>The name of a site at a revision, as the CSP's FindEvses shows it.</summary>
    public static string Revised(string name, int revision) => $"{name} rev {revision.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Where site number <paramref name="index"/> is.</summary>
    public static GeoLocation Location(int index) => new() { Latitude = 50.0 + (index * 0.02), Longitude = 10.0 };

    /// <summary>The general tariff every EVSE of the run names.</summary>
    public static Tariff FixedTariff() => Tariff(ChargeTariff, string.Empty, "0.39");

    /// <summary>A churn tariff with a price (targeted to the CSP when <paramref name="targeted"/>).</summary>
    public static Tariff Tariff(string id, string targetProvider, string energyPrice) => new()
    {
        TariffId = id,
        Currency = "EUR",
        TargetProviderId = targetProvider,
        Elements =
        {
            new TariffElement
            {
                PriceComponents =
                {
                    new PriceComponent { Type = TariffDimensionType.Energy, Price = new Money { CurrencyCode = "EUR", Amount = energyPrice }, VatPercent = "19", StepSize = 1 },
                },
            },
        },
    };

    /// <summary>A site of <paramref name="evses"/> EVSEs at location <paramref name="index"/>; EVSE ids from <paramref name="code"/>.</summary>
    public static Site Site(string id, string code, int index, string name, int evses, string tariff)
    {
        var site = new Site
        {
            SiteId = id,
            Name = name,
            Address = $"Prüfstrasse {index + 1}",
            City = "Berlin",
            PostalCode = "10115",
            CountryCode = "DE",
            Coordinates = Location(index),
            TimeZone = "Europe/Berlin",
            OpeningHours = new OpeningHours { Twentyfourseven = true },
        };
        for (var e = 1; e <= evses; e++)
        {
            site.Evses.Add(new Evse
            {
                EvseId = $"{Parties.Cso.PartyId}*E{code}*{e}",
                Capabilities =
                {
                    EvseCapability.RemoteStartStopCapable, EvseCapability.RfidReader, EvseCapability.Reservable,
                    EvseCapability.ChargingProfileCapable, EvseCapability.UnlockCapable,
                },
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
                        TariffIds = { tariff },
                    },
                },
            });
        }

        return site;
    }

    /// <summary>An RFID token of the CSP, whitelisted ALLOWED; <paramref name="kind"/> (C, R, S) keeps the workloads' tokens apart.</summary>
    public static Token Token(string kind, int worker)
    {
        var number = worker.ToString("D5", CultureInfo.InvariantCulture);
        return new Token
        {
            Uid = $"C4A05{kind switch { "C" => 0, "R" => 1, _ => 2 }}{worker:X8}",
            Type = TokenType.Rfid,
            ContractId = $"{Parties.Csp.PartyId}-C{kind}HS{number}",
            Valid = true,
            Whitelist = WhitelistType.Allowed,
            Issuer = "Chaos driver",
        };
    }
}

/// <summary>A worker's EVSE and token.</summary>
internal sealed record Slot(string EvseId, Token Token);
