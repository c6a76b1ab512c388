using System.Threading.Channels;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// A doorbell for a background relay: writers ring it after committing work for it, so that it does not wait for its
/// poll. At most one pending ring is kept. Each relay has its own kind of bell (a subclass), so DI tells them apart.
/// </summary>
public abstract class Doorbell
{
    private readonly Channel<bool> _bell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the relay.</summary>
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
