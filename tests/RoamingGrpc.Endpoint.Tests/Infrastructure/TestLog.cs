using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>
/// Sends server logs to the test output and remembers every Error (or worse) entry, so that a test fails on an
/// unexpected error log. Warnings are expected in negative tests (refused TLS handshakes) and only shown.
/// </summary>
public sealed class TestLog(ITestOutputHelper output, string name) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Error entries seen so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"[{name} {level}] {category}: {message}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}";
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; xunit no longer accepts output for it. The line is still counted below.
        }

        _lines.Enqueue(line);
        if (level >= LogLevel.Error && !IsPeerGoingAway(category, exception))
        {
            _errors.Enqueue(line);
        }
    }

    // A partner endpoint stopped mid-call (tests stop endpoints while pushes run): grpc-dotnet logs the reset
    // request stream as an error of the call, but it is the peer going away, not a fault of the endpoint.
    private static bool IsPeerGoingAway(string category, Exception? exception) =>
        category == "Grpc.AspNetCore.Server.ServerCallHandler"
        && exception is IOException { Message: "The client reset the request stream." };

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
