namespace RoamingGrpc.Storage;

/// <summary>
/// The one registry of log event ids of the roaming endpoint (as npgsql's <c>NpgsqlEventId</c>): every
/// <c>[LoggerMessage]</c> of every project names its id here, so that an operator can filter and alert on a stable id
/// per event, and a test keeps them unique. It lives in the lowest project that logs (storage), which every other
/// project references. Ids are grouped by area in blocks of a hundred; a released id keeps its meaning.
/// </summary>
public static class LogEvents
{
    /// <summary>Storage: migrations and the single writer (1000s).</summary>
    public static class Storage
    {
        public const int MigrationsApplied = 1001;
        public const int BatchFailed = 1002;
        public const int WriterFailed = 1003;
    }

    /// <summary>The revocation list file (2000s).</summary>
    public static class Revocation
    {
        public const int Loaded = 2001;
        public const int Unreadable = 2002;
        public const int BadLine = 2003;
        public const int Missing = 2004;
    }

    /// <summary>This endpoint's own certificate (2100s).</summary>
    public static class Credentials
    {
        public const int Rotated = 2101;
        public const int RotationFailed = 2102;
    }

    /// <summary>TLS handshakes of incoming connections (2200s).</summary>
    public static class Tls
    {
        public const int ClientRefused = 2201;
    }

    /// <summary>Connections and calls refused by the endpoint's limits, logged once per source then summarized (2400s).</summary>
    public static class Limits
    {
        public const int ConnectionRefused = 2401;
        public const int HandshakeIncomplete = 2402;
        public const int CallRefused = 2403;
        public const int RefusalsSummarized = 2404;
        public const int QuietRefusalsSummarized = 2405;
        public const int MalformedMessage = 2406;
    }

    /// <summary>Tokens issued by a CSP and its authorization decisions (2300s).</summary>
    public static class Tokens
    {
        public const int Blocked = 2301;
        public const int Decided = 2302;
    }

    /// <summary>Partners: channels to them and handshakes (3000s, 3100s).</summary>
    public static class Partners
    {
        public const int ServerRefused = 3001;
        public const int Registered = 3101;
        public const int HandshakeRetrying = 3102;
        public const int HandshakeRefused = 3103;
        public const int Unusable = 3104;
        public const int HandshakeFailed = 3105;
        public const int StatedUrlRefused = 3106;
        public const int StatedUrlIgnored = 3107;
        public const int Unreachable = 3108;
        public const int ReachableAgain = 3109;
        public const int StoredUrlForgotten = 3110;
    }

    /// <summary>Once-per-request-id decisions written behind (3150s).</summary>
    public static class Idempotency
    {
        public const int RecordLost = 3151;
        public const int RecordsLost = 3152;
    }

    /// <summary>Durable pushes from the outbox (3200s).</summary>
    public static class Pushes
    {
        public const int Pushed = 3201;
        public const int PushFailed = 3202;
        public const int Rejected = 3203;
        public const int RelayFailed = 3204;
        public const int FlushCut = 3205;
    }

    /// <summary>A CSP's subscriptions to its CSOs' status streams (3300s).</summary>
    public static class StatusSubscriptions
    {
        public const int Subscribed = 3301;
        public const int Reconnecting = 3302;
        public const int Stale = 3303;
        public const int Resynced = 3304;
        public const int Failed = 3305;
    }

    /// <summary>Pruning of change logs and request ids (3400s).</summary>
    public static class Pruning
    {
        public const int ChangeLogPruned = 3401;
        public const int RequestIdsForgotten = 3402;
    }

    /// <summary>Token list distribution to CSOs (3500s).</summary>
    public static class TokenLists
    {
        public const int PushedFull = 3501;
        public const int PushedDelta = 3502;
        public const int NeedsFullList = 3503;
        public const int PushFailed = 3504;
        public const int DistributionFailed = 3505;
        public const int AlreadyHeld = 3506;
    }

    /// <summary>A CSO's authorization of presented tokens, online and offline (3600s).</summary>
    public static class Authorization
    {
        public const int Online = 3601;
        public const int Offline = 3602;
        public const int NoHomeCsp = 3603;
        public const int Unreachable = 3604;
        public const int Refused = 3605;
    }

    /// <summary>Station commands and sessions that time out (3650s).</summary>
    public static class Commands
    {
        public const int TimedOut = 3651;
        public const int PendingExpired = 3652;
    }

    /// <summary>Metrics sampling (3700s).</summary>
    public static class Metrics
    {
        public const int OutboxSampleFailed = 3701;
    }

    /// <summary>Maintenance notices and reservations moving at their times (3800s).</summary>
    public static class Schedules
    {
        public const int MaintenanceMoved = 3801;
        public const int ReservationExpired = 3811;
    }

    /// <summary>Periodic housekeeping jobs (3900s).</summary>
    public static class Jobs
    {
        public const int RoundFailed = 3901;
    }

    /// <summary>Served calls (4000s).</summary>
    public static class Calls
    {
        public const int Unexpected = 4001;
        public const int CallerRefused = 4002;
    }
}
