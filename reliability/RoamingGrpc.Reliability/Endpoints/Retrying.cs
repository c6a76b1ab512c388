using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// Calls an RPC until it answers, repeating the same request (same request_id) after every failure of transport
/// (the endpoint down or killed mid-call: UNAVAILABLE, DEADLINE_EXCEEDED, or a client-side failure before any
/// answer): the contract's promise is that such a retry is safe. Any answer, error or not, ends the retries.
/// </summary>
internal sealed class Retrying(TimeSpan attemptTimeout, TimeSpan giveUpAfter, Action<string> onRetry)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>True for a failure that is not the endpoint's answer: the call is to be repeated.</summary>
    public static bool IsTransient(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        // A status of the client's own making (it carries the local exception): the connection broke before an answer.
        || (error.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled && error.Status.DebugException is not null);

    /// <summary>Calls until an answer arrives; <paramref name="what"/> names the operation for the retry counts.</summary>
    public async Task<T> CallAsync<T>(string what, Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = Stopwatch.GetTimestamp();
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                using var pending = call(new CallOptions(deadline: DateTime.UtcNow + attemptTimeout, cancellationToken: cancellationToken));
                return await pending.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                onRetry(what);
                if (Stopwatch.GetElapsedTime(started) > giveUpAfter)
                {
                    throw new ReliabilityException(
                        $"{what}: no answer within {giveUpAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s of retries (last: {ex.StatusCode} {ex.Status.Detail})");
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
            }
        }
    }
}
