using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>Migrations/NNNN_name.sql</c>) in order,
/// each in its own transaction, and records them in <c>schema_migrations</c>. Released migrations are never edited.
/// </summary>
public static class MigrationRunner
{
    private const string ResourcePrefix = "RoamingGrpc.Storage.Migrations.";

    /// <summary>The migrations shipped in this build, ordered by number.</summary>
    public static IReadOnlyList<(int Version, string Name)> Available { get; } = Discover();

    /// <summary>Puts the database in WAL mode and applies every migration it has not seen yet.</summary>
    /// <returns>The versions applied by this call.</returns>
    public static IReadOnlyList<int> Apply(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Execute("PRAGMA journal_mode = WAL;");
        connection.Execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version      INTEGER PRIMARY KEY,
                name         TEXT    NOT NULL,
                applied_time INTEGER NOT NULL
            ) STRICT;
            """);
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var newlyApplied = new List<int>();
        var assembly = typeof(MigrationRunner).Assembly;
        foreach (var (version, name) in Available)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            connection.Execute(ReadResource(assembly, name), transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_migrations (version, name, applied_time) VALUES (@version, @name, @now)",
                new { version, name, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction);
            transaction.Commit();
            newlyApplied.Add(version);
        }

        var newest = Available.Count == 0 ? 0 : Available[^1].Version;
        var databaseNewest = applied.Count == 0 ? 0 : applied.Max();
        if (databaseNewest > newest)
        {
            throw new InvalidOperationException(
                $"The database has schema version {databaseNewest}, newer than this build knows ({newest}); "
                + "run a newer roaming build against it.");
        }

        return newlyApplied;
    }

    private static List<(int Version, string Name)> Discover() =>
        typeof(MigrationRunner).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => name[ResourcePrefix.Length..])
            .Select(file => (Version: int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture), Name: file))
            .OrderBy(migration => migration.Version)
            .ToList();

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Migration resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
