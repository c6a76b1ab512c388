using System.IO.Pipelines;
using Grpc.Core;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The request body of a call refused before it started: the first read throws <paramref name="refusal"/>, which gRPC
/// answers as the call's status without running the service (it reads the request before it calls the interceptors).
/// </summary>
internal sealed class RefusedBodyReader(PipeReader inner, RpcException refusal) : PipeReader
{
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => throw refusal;

    public override bool TryRead(out ReadResult result) => throw refusal;

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);
}
