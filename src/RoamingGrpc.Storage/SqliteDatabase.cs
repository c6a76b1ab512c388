using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RoamingGrpc.Storage;

/// <summary>
/// The embedded SQLite store. Microsoft.Data.Sqlite's async methods run synchronously, so all writes go
/// through one writer task that owns one connection and commits queued work in batches: each unit of work
/// runs in its own savepoint inside the batch transaction, and its caller is answered after the commit.
/// </summary>
public sealed partial class SqliteDatabase : IDatabase, IAsyncDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly Channel<WriteWork> _queue;
    private readonly int _maxBatch;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly CommitNotifier _notifier;
    private readonly Lazy<Task> _writer;

    /// <summary>Creates the store; the schema is migrated and the writer started on first use.</summary>
    public SqliteDatabase(SqliteConnectionFactory connections, CommitNotifier notifier, IOptions<StorageOptions> options, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections;
        _notifier = notifier;
        _logger = logger;
        _maxBatch = Math.Max(1, options.Value.MaxWriteBatch);
        _queue = Channel.CreateBounded<WriteWork>(new BoundedChannelOptions(4 * _maxBatch)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = new Lazy<Task>(StartWriter, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Applies pending migrations and starts the writer. Idempotent; called at host start.</summary>
    public Task InitializeAsync()
    {
        _ = _writer.Value;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        _ = _writer.Value;
        var item = new WriteWork<T>(work, cancellationToken);
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new StorageUnavailableException("The database is closed (the endpoint is stopping or its writer failed).", ex);
        }

        return await item.Completion.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        _ = _writer.Value;
        await using var connection = _connections.OpenForRead();
        return await work(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting writes, finishes the queued ones and closes the writer connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsValueCreated)
        {
            await _writer.Value.ConfigureAwait(false);
        }
    }

    private Task StartWriter()
    {
        // Migrate synchronously on the caller so that a broken schema fails start-up, not the first write.
        var connection = _connections.Open();
        try
        {
            var applied = MigrationRunner.Apply(connection);
            if (applied.Count > 0)
            {
                Log.MigrationsApplied(_logger, applied.Count, applied[^1]);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return Task.Factory.StartNew(
            () => RunWriter(connection),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap().ContinueWith(
                writer =>
                {
                    if (writer.Exception is { } failure)
                    {
                        FailWriter(failure.GetBaseException());
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
    }

    private async Task RunWriter(SqliteConnection connection)
    {
        using (connection)
        using (var statements = new PreparedStatements(connection))
        {
            var batch = new List<WriteWork>(_maxBatch);
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
                {
                    if (!item.IsCancelled)
                    {
                        batch.Add(item);
                    }
                }

                if (batch.Count > 0)
                {
                    CommitBatch(connection, statements, batch);
                    batch.Clear();
                }
            }
        }
    }

    // Runs when the writer loop itself fails (not a unit of work): nothing more can be written, so the queue is
    // closed with the cause and every waiting caller is answered, instead of hanging.
    private void FailWriter(Exception exception)
    {
        Log.WriterFailed(_logger, exception);
        _queue.Writer.TryComplete(exception);
        while (_queue.Reader.TryRead(out var item))
        {
            item.Fail(new StorageUnavailableException("The database writer failed; see the endpoint's error log.", exception));
        }
    }

    private void CommitBatch(SqliteConnection connection, PreparedStatements statements, List<WriteWork> batch)
    {
        var changes = StoreChanges.None;
        try
        {
            using var transaction = connection.BeginTransaction();
            var context = new WriteContext(connection, transaction, statements);
            foreach (var work in batch)
            {
                // One savepoint name serves every unit: each is released (or rolled back to and released) before
                // the next starts, so the three statements are prepared once.
                context.BeginUnit();
                Run(context, "SAVEPOINT unit");
                if (work.Execute(context))
                {
                    changes |= context.Changes; // a unit rolled back changed nothing
                }
                else
                {
                    Run(context, "ROLLBACK TO unit");
                }

                Run(context, "RELEASE unit");
            }

            transaction.Commit();
        }
#pragma warning disable CA1031 // Not swallowed: every caller in the batch receives the failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The batch transaction itself failed (disk full, I/O error, a unit that ended the transaction):
            // nothing in this batch is durable.
            Log.BatchFailed(_logger, batch.Count, ex);
            foreach (var item in batch)
            {
                item.Fail(ex);
            }

            return;
        }

        _notifier.Committed(changes);
        foreach (var item in batch)
        {
            item.Complete();
        }
    }

    private static void Run(WriteContext context, string sql)
    {
        using var statement = context.Statement(sql);
        statement.Run();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Storage.MigrationsApplied, Level = LogLevel.Information, Message = "Applied {Count} schema migration(s); schema version is now {Version}")]
        public static partial void MigrationsApplied(ILogger logger, int count, int version);

        [LoggerMessage(EventId = LogEvents.Storage.BatchFailed, Level = LogLevel.Error, Message = "A write batch of {Count} unit(s) failed to commit")]
        public static partial void BatchFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = LogEvents.Storage.WriterFailed, Level = LogLevel.Critical, Message = "The database writer stopped; no further writes are possible")]
        public static partial void WriterFailed(ILogger logger, Exception exception);
    }
}
