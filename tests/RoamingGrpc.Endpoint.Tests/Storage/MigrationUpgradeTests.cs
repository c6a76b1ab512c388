using Dapper;
using Microsoft.Data.Sqlite;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Tests.Storage;

/// <summary>Migrations applied to a database of an earlier schema keep its committed rows.</summary>
public sealed class MigrationUpgradeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-upgrade-").FullName;

    [Fact]
    public void Apply_DatabaseAtSchema10WithStatusesAndSites_Migration11KeepsThemAndTheirRules()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "old.db")};Pooling=False");
        connection.Open();
        connection.Execute("PRAGMA foreign_keys = ON;");
        var resources = typeof(MigrationRunner).Assembly;
        var release10 = MigrationRunner.Available.Where(migration => migration.Version <= 10).ToList();
        connection.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL) STRICT;");
        foreach (var (version, name) in release10)
        {
            using var stream = resources.GetManifestResourceStream("RoamingGrpc.Storage.Migrations." + name)!;
            connection.Execute(new StreamReader(stream).ReadToEnd());
            connection.Execute("INSERT INTO schema_migrations (version, name, applied_time) VALUES (@version, @name, 0)", new { version, name });
        }

        connection.Execute("INSERT INTO sites (site_id, version, change_seq, update_time, removed, country_code, payload) VALUES ('S1', 1, 1, 0, 0, 'DE', x'00')");
        connection.Execute("INSERT INTO site_evses (evse_id, site_id) VALUES ('DE*ABC*E1*1', 'S1'), ('DE*ABC*E1*2', 'S1')");
        connection.Execute("INSERT INTO evse_status (evse_id, site_id, status, change_time, sequence) VALUES ('DE*ABC*E1*1', 'S1', 2, 1700000000000, 7)");

        var applied = MigrationRunner.Apply(connection);
        var evses = connection.Query<(string, string)>("SELECT evse_id, site_id FROM site_evses ORDER BY evse_id").ToList();
        var status = connection.QuerySingle<(string, string, long, long, long)>("SELECT evse_id, site_id, status, change_time, sequence FROM evse_status");
        var duplicate = Assert.Throws<SqliteException>(() => connection.Execute("INSERT INTO site_evses (evse_id, site_id) VALUES ('DE*ABC*E1*1', 'S1')"));
        connection.Execute("DELETE FROM sites WHERE site_id = 'S1'");
        var afterSiteRemoved = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM site_evses");

        Assert.Equal(MigrationRunner.Available.Where(migration => migration.Version > 10).Select(migration => migration.Version), applied);
        Assert.Equal([("DE*ABC*E1*1", "S1"), ("DE*ABC*E1*2", "S1")], evses);
        Assert.Equal(("DE*ABC*E1*1", "S1", 2L, 1700000000000L, 7L), status);
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT: the primary key still holds
        Assert.Equal(0, afterSiteRemoved); // and the cascade from sites
    }

    [Fact]
    public void Apply_DatabaseAtSchema11WithDeliveriesAnsweredAsText_Migration12KeepsOutcomeAndReasonAsNumbers()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "deliveries.db")};Pooling=False");
        connection.Open();
        ApplyReleasedThrough(connection, 11);
        connection.Execute(
            """
            INSERT INTO received_deliveries (sender, delivery_id, outcome, receive_time) VALUES
                ('cso:DE*ABC', 'd1', 'DELIVERY_OUTCOME_APPLIED', 1),
                ('cso:DE*ABC', 'd2', 'DELIVERY_OUTCOME_SUPERSEDED', 2),
                ('cso:DE*ABC', 'd3', 'REJECTED:ERROR_REASON_PARTY_MISMATCH', 3),
                ('cso:DE*ABC', 'd4', 'REJECTED:ERROR_REASON_UNKNOWN_EVSE', 4)
            """);

        MigrationRunner.Apply(connection);
        var rows = connection.Query<(string, long, long, long)>("SELECT delivery_id, outcome, error_reason, receive_time FROM received_deliveries ORDER BY delivery_id").ToList();

        Assert.Equal(
            [
                ("d1", (long)DeliveryOutcome.Applied, 0L, 1L),
                ("d2", (long)DeliveryOutcome.Superseded, 0L, 2L),
                ("d3", (long)DeliveryOutcome.Rejected, (long)ErrorReason.PartyMismatch, 3L),
                ("d4", (long)DeliveryOutcome.Rejected, (long)ErrorReason.UnknownEvse, 4L),
            ],
            rows);
    }

    // Builds the schema as the release with migrations up to <paramref name="through"/> left it.
    private static void ApplyReleasedThrough(SqliteConnection connection, int through)
    {
        var resources = typeof(MigrationRunner).Assembly;
        connection.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL) STRICT;");
        foreach (var (version, name) in MigrationRunner.Available.Where(migration => migration.Version <= through))
        {
            using var stream = resources.GetManifestResourceStream("RoamingGrpc.Storage.Migrations." + name)!;
            connection.Execute(new StreamReader(stream).ReadToEnd());
            connection.Execute("INSERT INTO schema_migrations (version, name, applied_time) VALUES (@version, @name, 0)", new { version, name });
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
