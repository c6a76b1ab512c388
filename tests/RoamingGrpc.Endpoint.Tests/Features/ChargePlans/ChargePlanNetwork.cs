using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.ChargePlans;

/// <summary>
/// What the charge plan tests add to the <see cref="ChargingNetwork"/>: a site whose EVSE takes charging schedules and
/// preferences (the network's EVSEs take neither), ChargePlanService clients for both CSPs, and plan builders.
/// </summary>
public sealed class ChargePlanNetwork
{
    public const string SiteId = "SP";

    /// <summary>DC, 920 V x 200 A, at most 150 kW; CHARGING_PROFILE_CAPABLE and CHARGING_PREFERENCES_CAPABLE.</summary>
    public const string CapableEvseId = "DE*ABC*ESP*1";

    public const double MaxPowerW = 150_000;

    private ChargePlanNetwork(ChargingNetwork network)
    {
        Network = network;
        Plans = new ChargePlanService.ChargePlanServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));
        OtherPlans = new ChargePlanService.ChargePlanServiceClient(network.Endpoints.Channel(network.OtherCertificates, ChargingNetwork.OtherCsp, network.Endpoints.Cso));
    }

    public ChargingNetwork Network { get; }

    /// <summary>ChargePlanService of the CSO, called as DE-8EO.</summary>
    public ChargePlanService.ChargePlanServiceClient Plans { get; }

    /// <summary>ChargePlanService of the CSO, called as FR-ZZZ.</summary>
    public ChargePlanService.ChargePlanServiceClient OtherPlans { get; }

    /// <summary>Publishes the capable site (available) next to the network's.</summary>
    public static async Task<ChargePlanNetwork> PrepareAsync(ChargingNetwork network)
    {
        var site = TestSites.Create(SiteId, evses: 1);
        site.Evses[0].Capabilities.Add(EvseCapability.ChargingProfileCapable);
        site.Evses[0].Capabilities.Add(EvseCapability.ChargingPreferencesCapable);
        site.Evses[0].Connectors[0].TariffIds.Add(ChargingNetwork.TariffId);
        await network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "plan-site", Site = site }, deadline: ChargingNetwork.Soon());
        await network.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "plan-site-available",
                Statuses = { new EvseStatusEvent { EvseId = CapableEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)) } },
            },
            deadline: ChargingNetwork.Soon());
        return new ChargePlanNetwork(network);
    }

    /// <summary>A power schedule in W: (minutes from the start, limit) per period.</summary>
    public static ChargePlanSpec Watts(params (int Minutes, double Limit)[] periods)
    {
        var schedule = new ChargingSchedule { RateUnit = ChargingRateUnit.W };
        schedule.Periods.AddRange(periods.Select(period => new ChargingSchedulePeriod { StartOffset = Duration.FromTimeSpan(TimeSpan.FromMinutes(period.Minutes)), Limit = period.Limit }));
        return new ChargePlanSpec { Schedule = schedule };
    }

    /// <summary>A remote start by DE-8EO at <paramref name="evseId"/>, optionally with a plan.</summary>
    public Task<StartSessionResponse> StartAsync(string requestId, string evseId, ChargePlanSpec? plan = null) =>
        Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = requestId, EvseId = evseId, Token = new TokenRef { Uid = "app-user-1", Type = TokenType.AppUser }, ChargePlan = plan },
            deadline: ChargingNetwork.Soon()).ResponseAsync;

    /// <summary>A remote start by DE-8EO that the station carried out: the session is ACTIVE since <paramref name="at"/>.</summary>
    public async Task<string> ActiveSessionAsync(string requestId, string evseId, DateTimeOffset at)
    {
        var started = await StartAsync(requestId, evseId);
        await Network.EventAsync(started.Session.SessionId, SessionEventType.Started, at, 0, started.CommandId);
        return started.Session.SessionId;
    }

    /// <summary>The station executes the command: it reports <paramref name="result"/>.</summary>
    public async Task<StationCommand> ExecuteAsync(string commandId, CommandResultType result = CommandResultType.Accepted)
    {
        var command = await Network.NextCommandAsync(candidate => candidate.CommandId == commandId);
        await Network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = commandId, Result = result, Message = "station says " + result },
            deadline: ChargingNetwork.Soon());
        return command;
    }

    /// <summary>The status code and ErrorInfo reason (and field, if any) of a refused call.</summary>
    public static async Task<(StatusCode Code, string? Reason, string? Field)> RefusedAsync<T>(Task<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        var info = error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        return (error.StatusCode, info?.Reason, info is not null && info.Metadata.TryGetValue("field", out var field) ? field : null);
    }
}
