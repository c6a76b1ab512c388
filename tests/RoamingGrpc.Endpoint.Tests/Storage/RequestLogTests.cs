using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Requests;

namespace RoamingGrpc.Endpoint.Tests.Storage;

/// <summary>The request log on a real SQLite file: records found on and off the writer, and forgotten after the retention.</summary>
public sealed class RequestLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-requests-").FullName;
    private SqliteDatabase _database = null!;
    private RequestLog _log = null!;

    public async Task InitializeAsync()
    {
        _database = Open(Path.Combine(_directory, "test.db"));
        await _database.InitializeAsync();
        _log = new RequestLog(_database);
    }

    [Fact]
    public async Task PruneAsync_RecordsOlderThanTheCutoff_RemovedOldestFirstInChunks_RecentAsyncListsWhatIsLeft()
    {
        var ages = new[] { 10, 9, 8, 1 };
        foreach (var days in ages)
        {
            await _database.WriteAsync(context => { _log.Add(context, Key(days), Record(days), Now.AddDays(-days)); return 0; }, CancellationToken.None);
        }

        var lastTwoDays = await RequestIdsAsync(Now.AddDays(-2));
        var first = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var afterFirstChunk = await RequestIdsAsync(Now.AddDays(-30));
        var second = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var third = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var kept = await _log.RecentAsync(Method, Now.AddDays(-30), CancellationToken.None);

        Assert.Equal(["request-1"], lastTwoDays);
        Assert.Equal((2, 1, 0), (first, second, third));
        Assert.Equal(["request-8", "request-1"], afterFirstChunk);
        Assert.Equal((Key(1), Convert.ToHexString(Record(1).Response), Now.AddDays(-1)), (kept.Single().Key, Convert.ToHexString(kept.Single().Request.Response), kept.Single().Time));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static SqliteDatabase Open(string path)
    {
        var options = Options.Create(new StorageOptions { DatabasePath = path });
        return new SqliteDatabase(new SqliteConnectionFactory(options), new CommitNotifier(), options, NullLogger<SqliteDatabase>.Instance);
    }

    private const string Method = "/roaming.v1.AuthorizationService/AuthorizeToken";

    private async Task<List<string>> RequestIdsAsync(DateTimeOffset since) =>
        [.. (await _log.RecentAsync(Method, since, CancellationToken.None)).Select(recent => recent.Key.RequestId)];

    private static RequestKey Key(int days) => new("cso:DE*ABC", Method, $"request-{days}");

    private static LoggedRequest Record(int days) => new([(byte)days], [(byte)days, 1]);
}
