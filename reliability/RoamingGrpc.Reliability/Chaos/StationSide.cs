using System.Collections.Concurrent;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The charging stations' side of the CSO's back office: follows <c>WatchStationCommands</c> (reconnecting after every
/// cut, as a station gateway does) and hands each command to the flow that waits for it. Delivery is at least once
/// (open commands are sent again on every reconnection), so commands are deduplicated by command_id here, as the
/// contract asks of a back office; what must hold is that one partner request (its request_id) never becomes two
/// commands, i.e. that no command is executed twice.
/// </summary>
internal sealed class StationSide(CsoBackofficeService.CsoBackofficeServiceClient backoffice)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StationCommand>> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(CommandType Type, string RequestId), ConcurrentDictionary<string, byte>> _byRequest = new();
    private long _opened;

    /// <summary>How often the stream was opened (the CSO answered it); more than once means it was cut and resumed.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Deliveries of each command id (more than one after reconnections is normal).</summary>
    public IReadOnlyDictionary<string, int> Deliveries => _deliveries;

    /// <summary>The distinct command ids the station received per (type, partner request id).</summary>
    public IEnumerable<(CommandType Type, string RequestId, IReadOnlyCollection<string> CommandIds)> CommandsByRequest =>
        _byRequest.Select(entry => (entry.Key.Type, entry.Key.RequestId, (IReadOnlyCollection<string>)entry.Value.Keys.ToList()));

    /// <summary>Follows the command stream until <paramref name="cancellationToken"/> ends the run.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = backoffice.WatchStationCommands(new WatchStationCommandsRequest(), cancellationToken: cancellationToken);
                await call.ResponseHeadersAsync.ConfigureAwait(false);
                Interlocked.Increment(ref _opened);
                await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    Received(message.Command);
                }
            }
            catch (RpcException ex) when (Retrying.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The CSO was killed or restarts: reconnect, as a station gateway would.
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The command <paramref name="commandId"/> once the station has received it.</summary>
    public Task<StationCommand> CommandAsync(string commandId, TimeSpan timeout, CancellationToken cancellationToken) =>
        Slot(commandId).Task.WaitAsync(timeout, cancellationToken);

    private void Received(StationCommand command)
    {
        _deliveries.AddOrUpdate(command.CommandId, 1, (_, count) => count + 1);
        _byRequest.GetOrAdd((command.CommandType, command.RequestId), _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))
            .TryAdd(command.CommandId, 0);
        Slot(command.CommandId).TrySetResult(command);
    }

    private TaskCompletionSource<StationCommand> Slot(string commandId) =>
        _commands.GetOrAdd(commandId, _ => new TaskCompletionSource<StationCommand>(TaskCreationOptions.RunContinuationsAsynchronously));
}
