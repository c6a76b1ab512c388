using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// The deny list of revoked certificate serial numbers: a text file with one hexadecimal serial per line
/// (colons and spaces allowed, <c>#</c> starts a comment). The file is re-read whenever its timestamp or size
/// changes, so a revocation takes effect on the next call without a restart. A configured file must exist at
/// start (a mistyped path must not silently disable revocation); a file that later disappears, cannot be read
/// or cannot be parsed keeps the last good list and is logged as an error.
/// <para>
/// When watched (<paramref name="pollClock"/>), the file is also looked at every <see cref="PollInterval"/> without
/// waiting for a call, and every newly loaded list fires the change token (<see cref="GetChangeToken"/>), so that open
/// streams are re-checked at once. Polling, not a file system watcher: a watcher takes an inotify instance, of which
/// a user has 128 on a default Linux, shared by every process of that user.
/// </para>
/// </summary>
internal sealed partial class RevocationList : IDisposable
{
    /// <summary>How often a watched file is looked at (its timestamp and size; it is read only when they changed).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly string? _path;
    private readonly ILogger<RevocationList> _logger;
    private readonly ITimer? _poll;

    /// <summary>
    /// Loads <paramref name="path"/> (null: no revocation list). With <paramref name="pollClock"/>, the file is watched
    /// on that clock (a real one: files change in real time, whatever clock the endpoint keeps).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured file does not exist.</exception>
    public RevocationList(string? path, ILogger<RevocationList> logger, TimeProvider? pollClock = null)
    {
        _path = path;
        _logger = logger;
        if (path is not null && !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Revocation file '{path}' (Roaming:RevocationFile) does not exist; create it (it may be empty) or remove the setting.");
        }

        Current();
        if (path is not null && pollClock is not null)
        {
            _poll = pollClock.CreateTimer(_ => Current(), null, PollInterval, PollInterval);
        }
    }

    private readonly Lock _gate = new();
    private FrozenSet<string> _serials = FrozenSet<string>.Empty;
    private (DateTime WriteTime, long Length) _seen = (DateTime.MinValue, -1);
    private CancellationTokenSource _changed = new();

    /// <summary>
    /// A token that fires when a new list was loaded (a changed file, seen by a call or by the poll). It fires once;
    /// take a new one after it fired (<see cref="ChangeToken.OnChange(Func{IChangeToken?}, Action)"/> does).
    /// </summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <inheritdoc />
    public void Dispose() => _poll?.Dispose();

    /// <summary>True when the serial number (hex, any case) is on the list.</summary>
    public bool IsRevoked(string serialNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        return Current().Contains(Normalize(serialNumber));
    }

    /// <summary>Normalizes a serial number to upper-case hex without separators or leading zeros.</summary>
    public static string Normalize(string serialNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        var hex = new string(serialNumber.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant().TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }

    private FrozenSet<string> Current()
    {
        if (_path is not { } path)
        {
            return _serials;
        }

        var info = new FileInfo(path);
        var stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        if (stamp == _seen)
        {
            return _serials;
        }

        CancellationTokenSource? fired = null;
        FrozenSet<string> serials;
        lock (_gate)
        {
            if (stamp != _seen)
            {
                var loaded = info.Exists ? Parse(path) : null;
                if (!info.Exists)
                {
                    Log.Missing(_logger, path);
                }

                _serials = loaded ?? _serials;
                _seen = stamp;
                if (loaded is not null)
                {
                    Log.Loaded(_logger, path, _serials.Count);
                    fired = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
                }
            }

            serials = _serials;
        }

        // Outside the lock: the listeners re-check right away, which reads the list again.
        fired?.Cancel();
        return serials;
    }

    private FrozenSet<string>? Parse(string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Unreadable(_logger, file, ex);
            return null;
        }

        var serials = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var serial = Normalize(line);
            if (!serial.All(char.IsAsciiHexDigit))
            {
                Log.BadLine(_logger, file, line);
                return null;
            }

            serials.Add(serial.ToUpper(CultureInfo.InvariantCulture));
        }

        return serials.ToFrozenSet(StringComparer.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Revocation.Loaded, Level = LogLevel.Information, Message = "Revocation list {Path} loaded: {Count} revoked serial(s)")]
        public static partial void Loaded(ILogger logger, string path, int count);

        [LoggerMessage(EventId = LogEvents.Revocation.Unreadable, Level = LogLevel.Error, Message = "Revocation list {Path} cannot be read; keeping the previous list")]
        public static partial void Unreadable(ILogger logger, string path, Exception exception);

        [LoggerMessage(EventId = LogEvents.Revocation.Missing, Level = LogLevel.Error, Message = "Revocation list {Path} has disappeared; keeping the previous list")]
        public static partial void Missing(ILogger logger, string path);

        [LoggerMessage(EventId = LogEvents.Revocation.BadLine, Level = LogLevel.Error, Message = "Revocation list {Path} has a line that is not a hex serial number ('{Line}'); keeping the previous list")]
        public static partial void BadLine(ILogger logger, string path, string line);
    }
}
