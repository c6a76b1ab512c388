namespace RoamingGrpc.Endpoint.Errors;

/// <summary>
/// What kind of failure a <see cref="RoamingException"/> is, in the terms of the error model every partner sees
/// (STYLE.md, Errors). Feature code names the kind; only the gRPC edge (<c>Grpc/ErrorMapping</c>) turns it into a
/// status code, one for one.
/// </summary>
internal enum ErrorKind
{
    /// <summary>A field of the request is missing or wrong (INVALID_ARGUMENT); the error names the field.</summary>
    InvalidArgument,

    /// <summary>What the request names does not exist, or not for this caller (NOT_FOUND).</summary>
    NotFound,

    /// <summary>Creating something that exists already, or reusing a request id for another request (ALREADY_EXISTS).</summary>
    AlreadyExists,

    /// <summary>The target is in a state that does not allow this (FAILED_PRECONDITION).</summary>
    WrongState,

    /// <summary>A concurrent change got there first (ABORTED); retrying the whole sequence may succeed.</summary>
    Conflict,

    /// <summary>A cursor or position outside what is kept (OUT_OF_RANGE), e.g. a stale stream cursor.</summary>
    OutOfRange,

    /// <summary>The authenticated caller may not do this (PERMISSION_DENIED).</summary>
    Forbidden,

    /// <summary>The caller's certificate no longer proves who it is (UNAUTHENTICATED).</summary>
    Unauthenticated,

    /// <summary>A limit was reached: a slow consumer, too many streams (RESOURCE_EXHAUSTED).</summary>
    Exhausted,

    /// <summary>Transient: a partner or storage cannot answer now; the only kind clients retry (UNAVAILABLE).</summary>
    Unavailable,

    /// <summary>Part of contract v1 but not live on this endpoint version (UNIMPLEMENTED).</summary>
    NotLive,

    /// <summary>A deadline passed before the answer (DEADLINE_EXCEEDED).</summary>
    DeadlineExceeded,

    /// <summary>The caller or the peer ended the call (CANCELLED).</summary>
    Cancelled,
}
