using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

/// <summary>
/// A request timestamp outside protobuf's Timestamp range (nanos 0..999,999,999, years 1 to 9999) is the caller's
/// INVALID_ARGUMENT naming the field, not INTERNAL (found by the requests fuzz target: CreateReservation converted
/// expiry_time unchecked, as the List RPCs did their updated_since).
/// </summary>
public sealed class ReservationTimestampTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CreateAndList_TimestampOutOfRange_InvalidArgumentNamingTheField()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var expiry = Timestamp.FromDateTimeOffset(setup.T0.AddMinutes(20));
        var badNanos = new Timestamp { Seconds = expiry.Seconds, Nanos = 1_466_231_812 };
        var create = ReservationNetwork.Create("bad-expiry", ReservationNetwork.EvseId, setup.T0.AddMinutes(20));
        create.ExpiryTime = badNanos;

        var created = await Assert.ThrowsAsync<RpcException>(() => setup.Reservations.CreateReservationAsync(create, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var listed = await Assert.ThrowsAsync<RpcException>(() => setup.Reservations.ListReservationsAsync(
            new ListReservationsRequest { UpdatedSince = new Timestamp { Seconds = 253_402_300_800 } }, deadline: ChargingNetwork.Soon()).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (created.StatusCode, ChargingNetwork.ReasonOf(created)));
        Assert.Contains("expiry_time", created.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (listed.StatusCode, ChargingNetwork.ReasonOf(listed)));
        Assert.Contains("updated_since", listed.Status.Detail, StringComparison.Ordinal);

        // The same request with a valid expiry is served: the refusal was the timestamp's.
        create.ExpiryTime = expiry;
        create.RequestId = "good-expiry";
        Assert.NotNull((await setup.Reservations.CreateReservationAsync(create, deadline: ChargingNetwork.Soon())).Reservation);
    }
}
