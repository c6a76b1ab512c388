using System.Threading.Channels;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// A doorbell for the <see cref="TokenListDistributor"/>: the back office rings it after committing a token change so
/// that CSO partners get the change without waiting for the next poll.
/// </summary>
public sealed class TokenListSignal
{
    private readonly Channel<bool> _bell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the distributor (at most one pending ring is kept).</summary>
    public void Ring() => _bell.Writer.TryWrite(true);

    /// <summary>Waits for a ring or for <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _bell.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a ring: look anyway.
        }
    }
}
