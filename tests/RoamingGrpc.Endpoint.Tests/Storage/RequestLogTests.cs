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
    public async Task PruneAsync_RecordsOlderThanTheCutoff_RemovedOldestFirstInChunksNewerKept()
    {
        var ages = new[] { 10, 9, 8, 1 };
        foreach (var days in ages)
        {
            await _database.WriteAsync(context => { _log.Add(context, Key(days), Record(days), Now.AddDays(-days)); return 0; }, CancellationToken.None);
        }

        var first = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var eightAfterFirstChunk = await _log.FindAsync(Key(8), CancellationToken.None);
        var tenAfterFirstChunk = await _log.FindAsync(Key(10), CancellationToken.None);
        var second = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var third = await _log.PruneAsync(Now.AddDays(-7), 2, CancellationToken.None);
        var recent = await _log.FindAsync(Key(1), CancellationToken.None);
        var eight = await _log.FindAsync(Key(8), CancellationToken.None);

        Assert.Equal((2, 1, 0), (first, second, third));
        Assert.NotNull(eightAfterFirstChunk);
        Assert.Null(tenAfterFirstChunk);
        Assert.Null(eight);
        Assert.Equal(Record(1).Response, recent!.Response);
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
        return new SqliteDatabase(new SqliteConnectionFactory(options), options, NullLogger<SqliteDatabase>.Instance);
    }

    private static RequestKey Key(int days) => new("cso:DE*ABC", "/roaming.v1.AuthorizationService/AuthorizeToken", $"request-{days}");

    private static LoggedRequest Record(int days) => new([(byte)days], [(byte)days, 1]);
}
