using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Fuzz.Identifiers;
using RoamingGrpc.Fuzz.Requests;
using RoamingGrpc.Fuzz.Streams;

namespace RoamingGrpc.Fuzz.Seeds;

/// <summary>
/// The seed corpora (<c>reliability/fuzz/corpus/&lt;target&gt;/seed-*</c>): a few valid inputs per target, written from
/// contract messages so that they stay valid as the contract grows, and a few edge cases each. Requests get one valid
/// request for the RPCs a partner or back office uses most and an empty request for every other RPC.
/// </summary>
internal static class SeedCorpus
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default);

    public static IEnumerable<(string Target, string Name, byte[] Input)> All(IReadOnlyList<string> rpcs, string examples)
    {
        foreach (var seed in Identifiers())
        {
            yield return seed;
        }

        foreach (var file in new[] { "sites.json", "tariffs.json" })
        {
            yield return ("backoffice-load", "seed-example-" + Path.GetFileNameWithoutExtension(file), File.ReadAllBytes(Path.Combine(examples, file)));
        }

        foreach (var (name, text) in new[]
        {
            ("empty-object", "{}"),
            ("sites-not-array", """{"sites": {"siteId": "X"}}"""),
            ("wrong-field-type", """{"sites": [{"siteId": 5, "evses": "none"}]}"""),
            ("tariff-bad-amount", """{"tariffs": [{"tariffId": "T1", "currency": "EUR", "elements": [{"priceComponents": [{"type": "TARIFF_DIMENSION_TYPE_ENERGY", "price": {"currencyCode": "EUR", "amount": "1e3"}}]}]}]}"""),
            ("site-bad-time", """{"sites": [{"siteId": "S", "name": "n", "address": "a", "city": "c", "countryCode": "DE", "coordinates": {"latitude": 1, "longitude": 2}, "timeZone": "Europe/Berlin", "openingHours": {"exceptionalOpenings": [{"startTime": "2026-01-01T00:00:00Z", "endTime": "9999-12-31T23:59:59Z"}]}, "evses": [{"evseId": "DE*ABC*E1", "connectors": [{"connectorId": "1", "standard": "CONNECTOR_STANDARD_IEC_62196_T2", "format": "CONNECTOR_FORMAT_SOCKET", "powerType": "POWER_TYPE_AC_3_PHASE", "maxVoltage": 400, "maxAmperage": 32}]}]}]}"""),
        })
        {
            yield return ("backoffice-load", "seed-" + name, Encoding.UTF8.GetBytes(text));
        }

        foreach (var seed in Streams())
        {
            yield return seed;
        }

        foreach (var seed in Requests(rpcs, examples))
        {
            yield return seed;
        }
    }

    private static IEnumerable<(string, string, byte[])> Identifiers()
    {
        var cases = new (string Parser, string[] Texts)[]
        {
            ("evse_id", ["DE*ABC*E123456*1", "deabce1", "DE*ABC*E", "DE-ABC*E1", "DE*ABC*E" + new string('1', 31), " DE*ABC*E1"]),
            ("operator_id", ["DE*ABC", "deabc", "DE-ABC", "XX*ABC", "DE*ABCD"]),
            ("provider_id", ["DE-8EO", "de8eo", "DE*8EO", "DE-8E"]),
            ("contract_id", ["DE-8AA-CA2B3C4D5-L", "de8aaca2b3c4d5", "DE-8AA-CA2B3C4D5-X", "DE-8AA-CA2B3C4D5*L", "DE-8AA-CA2B3C4D5-"]),
            ("country_code", ["DE", "uk", "D"]),
            ("rfid_uid", ["04:a1:b2:c3", "04A1B2C3D4E5F6", "0", "zz", new string('A', 66)]),
            ("money_amount", ["0.39", "-12.5", "123456789012345.123456", "1e5", "-", ".5", "1.", "0001"]),
            ("party", ["cso:DE*ABC", "csp:DE-8EO", "backoffice:DE*ABC", "backoffice:de8eo", "cso:DE-ABC"]),
            ("role", ["cso", "BACKOFFICE", "hub"]),
            ("uid_hash", [new string('a', 64), new string('g', 64)]),
            ("check_character", ["DE8AACA2B3C4D5", "DE8AACA2B3C4D", "DE8AA-A2B3C4D5"]),
            ("request_id", ["7d5e0c1e-1111-4c2a-9d47-6a1f2b3c4d5e", "with space", new string('r', 129)]),
            ("local_id", ["session-1", "a:b.c~d_e-f", "bad/slash"]),
            ("site_id", ["BER-HBF", "tab\tinside"]),
            ("page_token", [Paging.EncodeCursor("1767225600000|filters|17|site-1"), Paging.EncodeCursor("x|other||"), "not-base64!", "djE6"]),
            ("https_url", ["https://roaming.example.com:443", "http://roaming.example.com", "https://user@host", "https://[::1]:7443/path"]),
        };
        foreach (var (parser, texts) in cases)
        {
            for (var i = 0; i < texts.Length; i++)
            {
                yield return ("identifiers", $"seed-{parser}-{i}", IdentifierTarget.Input(parser, texts[i]));
            }
        }
    }

    private static IEnumerable<(string, string, byte[])> Streams()
    {
        static WatchEvseStatusRequest Start(string json) => new() { Start = Json.Parse<WatchEvseStatusStart>(json) };
        static WatchEvseStatusRequest Ack(ulong sequence) => new() { Ack = new StreamAck { Sequence = sequence } };
        static WatchEvseStatusRequest Nack(ulong sequence) => new() { Nack = new StreamNack { Sequence = sequence, ErrorDetail = "cannot apply" } };
        static WatchChargingInfoRequest InfoStart(string json) => new() { Start = Json.Parse<WatchChargingInfoStart>(json) };
        static WatchChargingInfoRequest InfoAck(ulong sequence) => new() { Ack = new StreamAck { Sequence = sequence } };
        static WatchChargingInfoRequest InfoNack(ulong sequence) => new() { Nack = new StreamNack { Sequence = sequence } };

        yield return ("streams", "seed-status-snapshot", StreamTarget.Input(false, Start("""{"snapshot": true, "maxInFlight": 5}"""), Ack(30)));
        yield return ("streams", "seed-status-resume-acks", StreamTarget.Input(false, Start("""{"resumeAfterSequence": "12", "maxInFlight": 4}"""), Ack(14), Ack(16), Nack(15), Ack(20), Ack(30)));
        yield return ("streams", "seed-status-batched-filter", StreamTarget.Input(false, Start("""{"resumeAfterSequence": "10", "evseIds": ["DE*ABC*E1*1", "deabce2*2"], "siteIds": ["SITE-2"], "maxEventsPerMessage": 3}"""), Ack(30)));
        yield return ("streams", "seed-status-stale-cursor", StreamTarget.Input(false, Start("""{"resumeAfterSequence": "3"}""")));
        yield return ("streams", "seed-status-ack-first", StreamTarget.Input(false, Ack(1)));
        yield return ("streams", "seed-status-ack-unsent", StreamTarget.Input(false, Start("""{"resumeAfterSequence": "25"}"""), Ack(99)));
        yield return ("streams", "seed-status-second-start", StreamTarget.Input(false, Start("{}"), Start("{}")));
        yield return ("streams", "seed-status-bad-evse", StreamTarget.Input(false, Start("""{"evseIds": ["NL*XYZ*E1"]}""")));
        yield return ("streams", "seed-status-window-full", StreamTarget.Input(false, Start("""{"resumeAfterSequence": "10", "maxInFlight": 1}"""), Ack(11), Ack(11), Ack(11), Ack(11), Ack(11), Ack(11)));
        yield return ("streams", "seed-info-snapshot", StreamTarget.Input(true, InfoStart("""{"snapshot": true, "sessionIds": ["session-1"]}"""), InfoAck(24)));
        yield return ("streams", "seed-info-resume-interval", StreamTarget.Input(true, InfoStart("""{"resumeAfterSequence": "6", "minUpdateInterval": "2s", "maxInFlight": 3}"""), InfoAck(8), InfoNack(8), InfoAck(24)));
        yield return ("streams", "seed-info-bad-interval", StreamTarget.Input(true, new WatchChargingInfoRequest { Start = new WatchChargingInfoStart { MinUpdateInterval = new Duration { Seconds = 5, Nanos = -1 } } }));
    }

    private static IEnumerable<(string, string, byte[])> Requests(IReadOnlyList<string> rpcs, string examples)
    {
        using var sitesFile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(examples, "sites.json")));
        using var tariffsFile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(examples, "tariffs.json")));
        var site = Json.Parse<Site>(sitesFile.RootElement.GetProperty("sites")[0].GetRawText());
        var tariff = Json.Parse<Tariff>(tariffsFile.RootElement.GetProperty("tariffs")[0].GetRawText());
        var evseId = site.Evses[0].EvseId;
        var now = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var rfid = new TokenRef { Uid = "04A1B2C3", Type = TokenType.Rfid, ContractId = "DE-8EO-CA2B3C4D5" };
        var schedule = new ChargePlanSpec
        {
            Schedule = new ChargingSchedule
            {
                RateUnit = ChargingRateUnit.W,
                Periods = { new ChargingSchedulePeriod { StartOffset = new Duration(), Limit = 11000 }, new ChargingSchedulePeriod { StartOffset = new Duration { Seconds = 3600 }, Limit = 7000, NumberPhases = 3 } },
            },
        };
        var valid = new Dictionary<string, IMessage>
        {
            ["cso/UpsertSite"] = new UpsertSiteRequest { RequestId = "seed-site-1", Site = site },
            ["cso/UpsertTariff"] = new UpsertTariffRequest { RequestId = "seed-tariff-1", Tariff = tariff },
            ["cso/ReportEvseStatus"] = new ReportEvseStatusRequest { RequestId = "seed-status-1", Statuses = { new EvseStatusEvent { EvseId = evseId, Status = EvseStatus.Charging, ChangeTime = now } } },
            ["cso/PresentToken"] = new PresentTokenRequest { RequestId = "seed-present-1", EvseId = evseId, ConnectorId = "1", IdentificationMethod = IdentificationMethod.Rfid, Token = rfid },
            ["cso/ReportSessionEvent"] = new ReportSessionEventRequest { RequestId = "seed-event-1", SessionId = "session-1", Type = SessionEventType.Started, EventTime = now, ConnectorId = "1" },
            ["cso/ReportMeterValues"] = new ReportMeterValuesRequest { RequestId = "seed-meter-1", SessionId = "session-1", Values = { new MeterValue { MeasureTime = now, EnergyKwh = 1.5, PowerKw = 11 } } },
            ["cso/PublishMaintenanceNotice"] = new PublishMaintenanceNoticeRequest
            {
                RequestId = "seed-notice-1",
                MaintenanceNotice = new MaintenanceNotice { Kind = MaintenanceKind.Planned, Reason = MaintenanceReason.Service, EvseIds = { evseId }, StartTime = now, EndTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)), Descriptions = { new DisplayText { Language = "en", Text = "Service" } } },
            },
            ["cso/ListSites"] = new ListSitesRequest { PageSize = 10, CountryCode = "DE" },
            ["cso/GetSite"] = new GetSiteRequest { SiteId = site.SiteId },
            ["cso/ListTariffs"] = new ListTariffsRequest { PageSize = 10 },
            ["cso/EstimateCost"] = new EstimateCostRequest { EvseId = evseId, ConnectorId = "1", TariffId = tariff.TariffId, StartTime = now, EnergyKwh = 20, ChargingDuration = new Duration { Seconds = 3600 } },
            ["cso/StartSession"] = new StartSessionRequest { RequestId = "seed-start-1", Token = rfid, EvseId = evseId, ConnectorId = "1", ChargePlan = schedule },
            ["cso/StopSession"] = new StopSessionRequest { RequestId = "seed-stop-1", SessionId = "session-1" },
            ["cso/SetChargePlan"] = new SetChargePlanRequest { RequestId = "seed-plan-1", SessionId = "session-1", Spec = schedule },
            ["cso/CreateReservation"] = new CreateReservationRequest { RequestId = "seed-reserve-1", Token = rfid, EvseId = evseId, ExpiryTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(10)) },
            ["cso/UnlockConnector"] = new UnlockConnectorRequest { RequestId = "seed-unlock-1", SessionId = "session-1", Reason = "cable stuck" },
            ["cso/PushTokenUpdates"] = new PushTokenUpdatesRequest { RequestId = "seed-tokens-1", Mode = TokenListMode.Full, ListVersion = 1, LastChunk = true, Tokens = { new Token { Uid = "04A1B2C3", Type = TokenType.Rfid, ContractId = "DE-8EO-CA2B3C4D5", Valid = true, Whitelist = WhitelistType.Always } } },
            ["csp/IssueToken"] = new IssueTokenRequest { RequestId = "seed-issue-1", Token = new Token { Uid = "04:a1:b2:c3", Type = TokenType.Rfid, ContractId = "DE-8EO-CA2B3C4D5", Valid = true, Whitelist = WhitelistType.Always, Language = "de" } },
            ["csp/AuthorizeToken"] = new AuthorizeTokenRequest { RequestId = "seed-authorize-1", Token = rfid, IdentificationMethod = IdentificationMethod.Rfid, EvseId = evseId },
            ["csp/RequestRemoteStart"] = new RequestRemoteStartRequest { RequestId = "seed-remote-1", Token = rfid, EvseId = evseId, ConnectorId = "1" },
            ["csp/PushSiteUpdates"] = new PushSiteUpdatesRequest { RequestId = "seed-push-site-1", Updates = { new SiteUpdate { Delivery = new Delivery { DeliveryId = "seed-delivery-1", EntityVersion = 1, EnqueueTime = now }, Site = site } } },
        };
        foreach (var rpc in rpcs)
        {
            var name = rpc.Replace('/', '-');
            if (valid.TryGetValue(rpc, out var request))
            {
                // The records others refer to (the site, the tariff, the token) sort first, so that a replay in name
                // order has them in place for the requests after them.
                var setup = rpc is "cso/UpsertSite" or "cso/UpsertTariff" or "csp/IssueToken" ? "0-" : string.Empty;
                yield return ("requests", $"seed-{setup}{name}", RequestTarget.Input(rpc, request));
            }

            yield return ("requests", $"seed-{name}-empty", [.. Encoding.ASCII.GetBytes(rpc + "\n")]);
        }
    }
}
