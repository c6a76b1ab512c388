using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Storage;

/// <summary>
/// The change log's in-memory tail on a real SQLite file: readers following the head while the writer appends see
/// exactly what a reader without the tail sees, and pruning drops the tail so that old cursors learn the prune mark.
/// </summary>
public sealed class ChangeLogTailTests : IAsyncLifetime
{
    private const int Changes = 3_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-tail-").FullName;
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = Open(Path.Combine(_directory, "test.db"));
        await _database.InitializeAsync();
    }

    [Fact]
    public async Task ReadLogAsync_EightFollowersWhileTheWriterAppends_EachSeesEveryEntryOnceInOrder()
    {
        var store = new EvseStatusStore(_database);
        var followers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => FollowAsync(store))).ToList();
        for (var start = 0; start < Changes; start += 50)
        {
            var first = start;
            await _database.WriteAsync(
                context =>
                {
                    for (var i = first; i < first + 50; i++)
                    {
                        store.Append(context, $"DE*ABC*E{i % 97}", "S1", i % 4, i, DateTimeOffset.UtcNow);
                    }

                    return 0;
                },
                CancellationToken.None);
        }

        var seen = await Task.WhenAll(followers);
        var truth = await FollowAsync(new EvseStatusStore(_database)); // a second store: its own, empty tail

        Assert.Equal(Changes, truth.Count);
        Assert.All(seen, follower => Assert.Equal(truth, follower));
    }

    [Fact]
    public async Task PruneAsync_AfterTheTailWasFilled_OldCursorGetsThePruneMarkNotTheTail()
    {
        var store = new EvseStatusStore(_database);
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        await _database.WriteAsync(
            context =>
            {
                for (var i = 0; i < 10; i++)
                {
                    store.Append(context, $"DE*ABC*E{i}", "S1", 1, i, old);
                }

                return 0;
            },
            CancellationToken.None);
        var (_, before) = await store.ReadLogAsync(0, 100, CancellationToken.None);
        var (_, fromTail) = await store.ReadLogAsync(before[0].Sequence, 100, CancellationToken.None);

        var removed = await store.PruneAsync(DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None);
        var (prunedThrough, after) = await store.ReadLogAsync(before[0].Sequence, 100, CancellationToken.None);

        Assert.Equal((10, 9), (before.Count, fromTail.Count));
        Assert.Equal(9, removed); // the newest entry stays
        Assert.Equal(before[^2].Sequence, prunedThrough);
        Assert.Equal([before[^1].Sequence], after.Select(entry => entry.Sequence));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    // Reads pages of at most 100 after its own cursor until it has every change, as a stream does.
    private static async Task<List<long>> FollowAsync(EvseStatusStore store)
    {
        var sequences = new List<long>(Changes);
        var after = 0L;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (sequences.Count < Changes && DateTime.UtcNow < deadline)
        {
            var (_, entries) = await store.ReadLogAsync(after, 100, CancellationToken.None);
            if (entries.Count == 0)
            {
                await Task.Delay(1);
                continue;
            }

            sequences.AddRange(entries.Select(entry => entry.Sequence));
            after = entries[^1].Sequence;
        }

        return sequences;
    }

    private static SqliteDatabase Open(string path)
    {
        var options = Options.Create(new StorageOptions { DatabasePath = path });
        return new SqliteDatabase(new SqliteConnectionFactory(options), new CommitNotifier(), options, NullLogger<SqliteDatabase>.Instance);
    }
}
