using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// Copies a live database with SQLite's online backup API: page by page, from one consistent read transaction, while
/// the endpoint keeps writing (WAL). The copy is a complete database file that opens on its own.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Backs <paramref name="databasePath"/> up into <paramref name="backupPath"/> (which must not exist); returns the copy's integrity check and size.</summary>
    public static (string IntegrityCheck, long Bytes) Run(string databasePath, string backupPath)
    {
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"No database at {databasePath}.", databasePath);
        }

        if (File.Exists(backupPath))
        {
            throw new IOException($"{backupPath} exists already; choose a new file (a backup never overwrites).");
        }

        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backupPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
        }

        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backupPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        var result = command.ExecuteScalar() as string ?? "no answer";
        return (result, new FileInfo(backupPath).Length);
    }
}
