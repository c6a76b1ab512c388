using Microsoft.Extensions.Hosting;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// A background delivery to partners (the outbox relay, the token list distribution): once the endpoint has started,
/// it runs rounds over the partners' waiting work, each woken by the commit that created the work
/// (<see cref="CommitNotifier"/>, <see cref="WakesOn"/>), by a partner's new handshake, or, at the latest, when the
/// soonest retry is due or the poll interval passed.
/// </summary>
internal abstract class DeliveryLoop(CommitNotifier notifier, PartnerDirectory directory, TimeProvider clock, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private TaskCompletionSource _partnerUpdated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The partner registry the loop delivers to.</summary>
    protected PartnerDirectory Directory => directory;

    /// <summary>The endpoint's clock.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The commits that bring work for this loop.</summary>
    protected abstract StoreChanges WakesOn { get; }

    /// <summary>
    /// One round over everything that waits; returns how long until the next round is needed at the latest (the
    /// soonest retry of a failed partner, or the poll interval).
    /// </summary>
    protected abstract Task<TimeSpan> RoundAsync(CancellationToken stoppingToken);

    /// <summary>A partner (re)registered: its work may be sent now (clear its backoff); the loop wakes after this.</summary>
    protected abstract void OnPartnerUpdated(Partner partner);

    /// <summary>Whether an exception ends the loop quietly because the endpoint is stopping.</summary>
    protected abstract bool IsShutdown(Exception exception, CancellationToken stoppingToken);

    /// <inheritdoc />
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()).ConfigureAwait(false))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        directory.Updated += PartnerUpdated;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before the round: a commit or a handshake during the round starts the next one at once.
                var committed = notifier.Next(WakesOn);
                var updated = Volatile.Read(ref _partnerUpdated).Task;
                var soonest = await RoundAsync(stoppingToken).ConfigureAwait(false);
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(committed, updated, Task.Delay(soonest, clock, timer.Token)).ConfigureAwait(false);
                await timer.CancelAsync().ConfigureAwait(false); // no timer outlives the wait
            }
        }
        catch (Exception ex) when (IsShutdown(ex, stoppingToken))
        {
            // Cut short by shutdown: whatever was not confirmed is still recorded as waiting and goes at the next start.
        }
        finally
        {
            directory.Updated -= PartnerUpdated;
        }
    }

    private void PartnerUpdated(Partner partner)
    {
        OnPartnerUpdated(partner);
        Interlocked.Exchange(ref _partnerUpdated, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
