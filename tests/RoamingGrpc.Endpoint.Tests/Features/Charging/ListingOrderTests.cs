using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// The order ListSessions and ListSdrs promise (common.proto, Lists): a full listing by id, a delta by the order the
/// changes were committed, not by update time. The CSO's clock is fake so that update times are chosen: a record that
/// changed last but has the smallest id comes first in a full listing, and of two changes at one instant the first
/// committed comes first in a delta whatever their ids. One record per page, so the page tokens carry the order.
/// </summary>
public sealed class ListingOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ListSessions_FullListingAndDelta_ByIdAndByChangeOrderNotUpdateTime()
    {
        var clock = new FakeTimeProvider(WholeSecond(DateTimeOffset.UtcNow));
        await using var network = await ChargingNetwork.StartAsync(output, csoServices: services => services.AddSingleton<TimeProvider>(clock));
        var t0 = ChargingNetwork.SessionStart();
        var x = await StartAsync(network, "x", ChargingNetwork.EvseId);
        clock.Advance(TimeSpan.FromSeconds(1));
        var y = await StartAsync(network, "y", ChargingNetwork.SecondEvseId);
        var (lo, hi) = string.CompareOrdinal(x.SessionId, y.SessionId) < 0 ? (x, y) : (y, x);

        // The session with the smaller id changes last: by update time it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        await network.EventAsync(lo.SessionId, SessionEventType.Started, t0, 0, lo.CommandId);
        var full = await SessionIdsAsync(network, updatedSince: null);

        // Both change at one instant, the one with the greater id first: by (update_time, id) it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        var since = clock.GetUtcNow();
        await network.EventAsync(hi.SessionId, SessionEventType.Started, t0, 0, hi.CommandId);
        await network.MeterAsync(lo.SessionId, t0.AddMinutes(1), 1, 22);
        var delta = await SessionIdsAsync(network, since);

        Assert.Equal([lo.SessionId, hi.SessionId], full);
        Assert.Equal([hi.SessionId, lo.SessionId], delta);
    }

    [Fact]
    public async Task ListSdrs_FullListingAndDelta_ByIdAndByChangeOrderNotUpdateTime()
    {
        var clock = new FakeTimeProvider(WholeSecond(DateTimeOffset.UtcNow));
        await using var network = await ChargingNetwork.StartAsync(output, csoServices: services => services.AddSingleton<TimeProvider>(clock));
        var t0 = ChargingNetwork.SessionStart();
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await CompleteAsync(network, $"s{i}", i % 2 == 0 ? ChargingNetwork.EvseId : ChargingNetwork.SecondEvseId, t0.AddHours(i));
        }

        var issued = (await network.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingNetwork.Soon())).Sdrs.Select(sdr => sdr.SdrId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, issued.Count);
        var (lo, mid, hi) = (issued[0], issued[1], issued[2]);

        // The SDR with the smallest id changes last: by update time it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        await network.Sdrs.AcceptSdrAsync(new AcceptSdrRequest { RequestId = "accept-lo", SdrId = lo }, deadline: ChargingNetwork.Soon());
        var full = await SdrIdsAsync(network, updatedSince: null);

        // Two change at one instant, the one with the greater id first: by (update_time, id) it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        var since = clock.GetUtcNow();
        await network.Sdrs.AcceptSdrAsync(new AcceptSdrRequest { RequestId = "accept-hi", SdrId = hi }, deadline: ChargingNetwork.Soon());
        await network.Sdrs.DisputeSdrAsync(new DisputeSdrRequest { RequestId = "dispute-mid", SdrId = mid, Reason = SdrDisputeReason.WrongPrice }, deadline: ChargingNetwork.Soon());
        var delta = await SdrIdsAsync(network, since);

        Assert.Equal([lo, mid, hi], full);
        Assert.Equal([hi, mid], delta);
    }

    /// <summary>Every page of a listing in order, asking one record per page.</summary>
    internal static async Task<List<T>> AllPagesAsync<T>(Func<string, Task<(IEnumerable<T> Items, string NextPageToken)>> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var items = new List<T>();
        var token = string.Empty;
        do
        {
            var (pageItems, next) = await page(token);
            items.AddRange(pageItems);
            token = next;
        }
        while (token.Length > 0);
        return items;
    }

    /// <summary>A fake clock's start on a whole second, so that update times stored in milliseconds compare exactly.</summary>
    internal static DateTimeOffset WholeSecond(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static Task<List<string>> SessionIdsAsync(ChargingNetwork network, DateTimeOffset? updatedSince) =>
        AllPagesAsync(async token =>
        {
            var request = new ListSessionsRequest { PageSize = 1, PageToken = token };
            if (updatedSince is { } since)
            {
                request.UpdatedSince = Timestamp.FromDateTimeOffset(since);
            }

            var response = await network.Charging.ListSessionsAsync(request, deadline: ChargingNetwork.Soon());
            return (response.Sessions.Select(session => session.SessionId), response.NextPageToken);
        });

    private static Task<List<string>> SdrIdsAsync(ChargingNetwork network, DateTimeOffset? updatedSince) =>
        AllPagesAsync(async token =>
        {
            var request = new ListSdrsRequest { PageSize = 1, PageToken = token };
            if (updatedSince is { } since)
            {
                request.UpdatedSince = Timestamp.FromDateTimeOffset(since);
            }

            var response = await network.Sdrs.ListSdrsAsync(request, deadline: ChargingNetwork.Soon());
            return (response.Sdrs.Select(sdr => sdr.SdrId), response.NextPageToken);
        });

    private static async Task<(string SessionId, string CommandId)> StartAsync(ChargingNetwork network, string user, string evseId)
    {
        var started = await network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = user, EvseId = evseId, Token = new TokenRef { Uid = user, Type = TokenType.AppUser } },
            deadline: ChargingNetwork.Soon());
        return (started.Session.SessionId, started.CommandId);
    }

    // A remotely started session that charges 5 kWh and ends: its SDR is issued.
    private static async Task CompleteAsync(ChargingNetwork network, string user, string evseId, DateTimeOffset start)
    {
        var (sessionId, commandId) = await StartAsync(network, user, evseId);
        await network.EventAsync(sessionId, SessionEventType.Started, start, 0, commandId);
        await network.MeterAsync(sessionId, start.AddMinutes(20), 5, 22);
        await network.EventAsync(sessionId, SessionEventType.Stopped, start.AddMinutes(30), 5, stopReason: StopReason.EvDisconnected);
    }
}
