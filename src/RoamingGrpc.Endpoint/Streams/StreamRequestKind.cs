namespace RoamingGrpc.Endpoint.Streams;

/// <summary>What a consumer message of a resumable stream is.</summary>
internal enum StreamRequestKind
{
    /// <summary>Not a message kind this protocol knows.</summary>
    Other,

    /// <summary>The opening message.</summary>
    Start,

    /// <summary>A cumulative acknowledgement.</summary>
    Ack,

    /// <summary>A negative acknowledgement: redeliver from its sequence.</summary>
    Nack,
}
