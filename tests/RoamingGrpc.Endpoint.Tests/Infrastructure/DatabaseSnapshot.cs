using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>Reads the rows of an endpoint's database file through a separate connection, to prove what was (not) written.</summary>
public static class DatabaseSnapshot
{
    public static string Partners(string databasePath) => Dump(
        databasePath,
        "SELECT role || '|' || party_id || '|' || IFNULL(endpoint_url, '') || '|' || status || '|' || update_time || '|' || IFNULL(inbound_handshake_time, '') || '|' || revision FROM partners ORDER BY role, party_id");

    public static string Requests(string databasePath) => Dump(
        databasePath,
        "SELECT caller || '|' || method || '|' || request_id FROM request_log ORDER BY caller, method, request_id");

    private static string Dump(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return string.Join("\n", connection.Query<string>(sql));
    }
}
