using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Tests.Storage;

/// <summary>The embedded store on real SQLite files: migrations, the single batching writer, isolation of failures.</summary>
public sealed class SqliteDatabaseTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-db-").FullName;
    private readonly CommitNotifier _notifier = new();
    private SqliteDatabase _database = null!;

    private string DatabasePath => Path.Combine(_directory, "test.db");

    public async Task InitializeAsync()
    {
        _database = Open();
        await _database.InitializeAsync();
    }

    [Fact]
    public async Task Initialize_NewFile_AppliesEveryMigrationOnceInWalMode()
    {
        var versions = await _database.ReadAsync((connection, _) => Task.FromResult(connection.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList()), CancellationToken.None);
        var journal = await _database.ReadAsync((connection, _) => Task.FromResult(connection.ExecuteScalar<string>("PRAGMA journal_mode")), CancellationToken.None);
        var foreignKeys = await _database.ReadAsync((connection, _) => Task.FromResult(connection.ExecuteScalar<long>("PRAGMA foreign_keys")), CancellationToken.None);

        Assert.Equal(MigrationRunner.Available.Select(migration => (long)migration.Version), versions);
        Assert.Equal("wal", journal);
        Assert.Equal(1, foreignKeys);

        await _database.DisposeAsync();
        await using var reopened = Open();
        await reopened.InitializeAsync();
        var count = await reopened.ReadAsync((connection, _) => Task.FromResult(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations")), CancellationToken.None);
        Assert.Equal(MigrationRunner.Available.Count, count);
    }

    [Fact]
    public async Task WriteAsync_DefaultOptions_WriterSyncsEveryCommit()
    {
        var writer = await _database.WriteAsync(context => context.Connection.ExecuteScalar<long>("PRAGMA synchronous", transaction: context.Transaction), CancellationToken.None);
        var reader = await _database.ReadAsync((connection, _) => Task.FromResult(connection.ExecuteScalar<long>("PRAGMA synchronous")), CancellationToken.None);

        Assert.Equal(2, writer); // FULL: a commit returns after the write-ahead log is synced
        Assert.Equal(2, reader); // SQLite's default: were a reader the last connection to close, its checkpoint syncs too
    }

    [Fact]
    public async Task WriteAsync_SynchronousNormal_WriterLeavesSyncingToCheckpoints()
    {
        await _database.DisposeAsync();
        await using var normal = Open(SqliteSynchronous.Normal);
        await normal.InitializeAsync();

        var writer = await normal.WriteAsync(context => context.Connection.ExecuteScalar<long>("PRAGMA synchronous", transaction: context.Transaction), CancellationToken.None);

        Assert.Equal(1, writer);
    }

    [Fact]
    public async Task Initialize_DatabaseFromNewerBuild_RefusesToStart()
    {
        await _database.WriteAsync(
            context => context.Connection.Execute("INSERT INTO schema_migrations (version, name, applied_time) VALUES (9999, '9999_future.sql', 0)", transaction: context.Transaction),
            CancellationToken.None);
        await _database.DisposeAsync();

        await using var reopened = Open();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(reopened.InitializeAsync);
        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_UnitsMarkWhatTheyChanged_NotifierWakesOnlyForCommittedUnits()
    {
        var outbox = _notifier.Next(StoreChanges.Outbox);
        var tokens = _notifier.Next(StoreChanges.Tokens);
        var statusLog = _notifier.Next(StoreChanges.StatusLog);

        // Queued together, so that the writer commits them in one batch: the failing unit rolls back to its savepoint.
        var committed = _database.WriteAsync(
            context =>
            {
                context.Changed(StoreChanges.Outbox);
                return true;
            },
            CancellationToken.None);
        var failed = _database.WriteAsync<bool>(
            context =>
            {
                context.Changed(StoreChanges.Tokens);
                throw new InvalidOperationException("refused");
            },
            CancellationToken.None);
        await committed;
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        await _database.WriteAsync(_ => true, CancellationToken.None); // a later commit that changed nothing

        Assert.True(outbox.IsCompletedSuccessfully, "a committed unit that queued outbox entries wakes the outbox's waiters");
        Assert.False(tokens.IsCompleted, "a unit that rolled back changed nothing");
        Assert.False(statusLog.IsCompleted, "no unit wrote the status log");
        Assert.NotSame(outbox, _notifier.Next(StoreChanges.Outbox)); // the next waiter waits for the next commit
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritesWithOneFailing_OthersCommitFailingOneLeavesNothing()
    {
        var writes = Enumerable.Range(0, 200).Select(i => _database.WriteAsync(
            context =>
            {
                context.Connection.Execute(
                    "INSERT INTO request_log (caller, method, request_id, request_hash, response, create_time) VALUES ('t', 'm', @id, x'00', x'00', 0)",
                    new { id = $"r{i}" },
                    context.Transaction);
                if (i == 100)
                {
                    throw new InvalidOperationException("unit 100 fails after writing");
                }

                return i;
            },
            CancellationToken.None)).ToList();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[100]);
        var results = await Task.WhenAll(writes.Where((_, i) => i != 100));
        var stored = await _database.ReadAsync((connection, _) => Task.FromResult(connection.Query<string>("SELECT request_id FROM request_log").ToHashSet()), CancellationToken.None);

        Assert.Equal("unit 100 fails after writing", failure.Message);
        Assert.Equal(199, results.Length);
        Assert.Equal(199, stored.Count);
        Assert.DoesNotContain("r100", stored);
    }

    [Fact]
    public async Task WriteAsync_ConstraintViolation_ReportedToCallerAndRolledBack()
    {
        await _database.WriteAsync(context => context.Connection.Execute("INSERT INTO request_log VALUES ('t', 'm', 'dup', x'00', x'00', 0)", transaction: context.Transaction), CancellationToken.None);

        var error = await Assert.ThrowsAsync<SqliteException>(() => _database.WriteAsync(
            context =>
            {
                context.Connection.Execute("INSERT INTO request_log VALUES ('t', 'm', 'other', x'00', x'00', 0)", transaction: context.Transaction);
                return context.Connection.Execute("INSERT INTO request_log VALUES ('t', 'm', 'dup', x'00', x'00', 0)", transaction: context.Transaction);
            },
            CancellationToken.None));

        var ids = await _database.ReadAsync((connection, _) => Task.FromResult(connection.Query<string>("SELECT request_id FROM request_log").ToList()), CancellationToken.None);
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(["dup"], ids);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteDatabase Open(SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        var options = Options.Create(new StorageOptions { DatabasePath = DatabasePath, Synchronous = synchronous });
        return new SqliteDatabase(new SqliteConnectionFactory(options), _notifier, options, NullLogger<SqliteDatabase>.Instance);
    }
}
