using System.IO.Pipelines;
using Grpc.Core;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The request body of a call whose single request message must arrive before a deadline: reads are cancelled when it
/// passes and end with <see cref="RpcException"/> <c>timedOut</c>, which gRPC answers as the call's status without
/// running the service (it reads the request before it calls the interceptors). Once the body is complete the deadline
/// no longer applies.
/// </summary>
internal sealed class ReceiveDeadlineReader(PipeReader inner, Func<RpcException> timedOut, CancellationToken deadline) : PipeReader
{
    private bool _complete;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_complete)
        {
            return await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
        try
        {
            var result = await inner.ReadAsync(linked.Token).ConfigureAwait(false);
            _complete = result.IsCompleted;
            return result;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw timedOut();
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_complete && deadline.IsCancellationRequested)
        {
            throw timedOut();
        }

        var read = inner.TryRead(out result);
        _complete = read && result.IsCompleted;
        return read;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);
}
