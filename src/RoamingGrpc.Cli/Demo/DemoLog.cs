using Microsoft.Extensions.Logging;

namespace RoamingGrpc.Cli.Demo;

/// <summary>Prints the endpoints' own log events (not the framework's) as indented trace lines.</summary>
internal sealed class DemoLog(TextWriter output, string endpoint) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, endpoint, categoryName.StartsWith("RoamingGrpc", StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter output, string endpoint, bool ours) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => ours ? logLevel >= LogLevel.Information : logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var level = logLevel >= LogLevel.Warning ? logLevel.ToString().ToUpperInvariant() + " " : string.Empty;
                lock (output)
                {
                    output.WriteLine($"      [{endpoint}] {level}{formatter(state, exception)}");
                }
            }
        }
    }
}
