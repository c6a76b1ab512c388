using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Fuzz.Requests;

/// <summary>
/// The endpoints' log as the request target reads it: the exceptions behind calls answered INTERNAL (the error
/// interceptor's "unexpected failure"), so that a crash on the server is reported with its own stack trace.
/// Nothing else is kept.
/// </summary>
internal sealed class ServerErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<Exception> _unexpected = new();

    /// <summary>The next unexpected failure logged since the last call, if any.</summary>
    public Exception? TakeUnexpected() => _unexpected.TryDequeue(out var error) ? error : null;

    /// <summary>Forgets what was logged so far.</summary>
    public void Clear() => _unexpected.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(ServerErrors owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == LogEvents.Calls.Unexpected && exception is not null)
            {
                owner._unexpected.Enqueue(exception);
            }
        }
    }
}
