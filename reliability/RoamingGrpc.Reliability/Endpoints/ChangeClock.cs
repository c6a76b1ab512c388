using Google.Protobuf.WellKnownTypes;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// Change times as the stations stamp them, each later than every one handed out before (milliseconds, as the status
/// log orders them): the log ignores a change that is not newer than the one it holds, so every reported change must be.
/// </summary>
internal sealed class ChangeClock
{
    private long _lastMs;

    public Timestamp Next()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastMs);
            var next = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), last + 1);
            if (Interlocked.CompareExchange(ref _lastMs, next, last) == last)
            {
                return Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(next));
            }
        }
    }
}
