using System.Data.Common;

namespace RoamingGrpc.Storage;

/// <summary>The open connection and transaction a unit of write work runs in, on the single writer.</summary>
public sealed record WriteContext(DbConnection Connection, DbTransaction Transaction);
