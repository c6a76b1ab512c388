using System.Runtime.ExceptionServices;

namespace RoamingGrpc.Storage;

/// <summary>A unit of write work producing <typeparamref name="T"/>.</summary>
internal sealed class WriteWork<T>(Func<WriteContext, T> work, CancellationToken cancellationToken) : WriteWork
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private ExceptionDispatchInfo? _failure;

    public Task<T> Completion => _completion.Task;

    public override bool IsCancelled
    {
        get
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _completion.TrySetCanceled(cancellationToken);
            return true;
        }
    }

    public override bool Execute(WriteContext context)
    {
        try
        {
            _result = work(context);
            return true;
        }
#pragma warning disable CA1031 // The failure is not swallowed: it is handed to the waiting caller in Complete().
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
            return false;
        }
    }

    public override void Complete()
    {
        if (_failure is not null)
        {
            _completion.TrySetException(_failure.SourceException);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
