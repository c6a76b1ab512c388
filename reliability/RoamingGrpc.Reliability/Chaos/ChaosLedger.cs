using System.Collections.Concurrent;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// What the driver did and was answered during a chaos run (the expected end state), the counts it prints, and the
/// violations found along the way and at the end.
/// </summary>
internal sealed class ChaosLedger
{
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, long> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _changes = new(StringComparer.Ordinal);
    private long _statusChanges;
    private long _statusBatches;
    private long _localStarts;
    private long _remoteStarts;
    private long _authorizations;
    private long _authorizationRepeats;
    private long _reservations;
    private long _csoKills;
    private long _cspKills;

    /// <summary>Sites, tariffs and maintenance notices by (kind, id): the last version the CSO answered, and whether removed.</summary>
    public ConcurrentDictionary<(string Kind, string Id), Published> Published { get; } = new();

    /// <summary>Sessions the driver ran, by session id.</summary>
    public ConcurrentDictionary<string, SessionRun> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Reservations the driver made, by reservation id.</summary>
    public ConcurrentDictionary<string, ReservationRun> Reservations { get; } = new(StringComparer.Ordinal);

    /// <summary>Commands the CSO accepted for the driver, by command id: the outcome the station reported.</summary>
    public ConcurrentDictionary<string, (CommandType Type, CommandResultType Result)> Commands { get; } = new(StringComparer.Ordinal);

    /// <summary>The statuses the driver reported per EVSE, in order (each EVSE is reported by one worker only).</summary>
    public ConcurrentDictionary<string, List<EvseStatus>> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>PresentToken answers by request id: the first one, against which repeats are compared.</summary>
    public ConcurrentDictionary<string, PresentTokenResponse> Authorizations { get; } = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Violations => _violations;

    public IReadOnlyDictionary<string, long> Retries => _retries;

    /// <summary>Changes the driver made, per push kind (every one is a record version the CSO must push).</summary>
    public IReadOnlyDictionary<string, long> Changes => _changes;

    public long StatusChanges => Interlocked.Read(ref _statusChanges);

    public long StatusBatches => Interlocked.Read(ref _statusBatches);

    public long LocalStarts => Interlocked.Read(ref _localStarts);

    public long RemoteStarts => Interlocked.Read(ref _remoteStarts);

    public long AuthorizationCount => Interlocked.Read(ref _authorizations);

    public long AuthorizationRepeats => Interlocked.Read(ref _authorizationRepeats);

    public long ReservationCount => Interlocked.Read(ref _reservations);

    public long CsoKills => Interlocked.Read(ref _csoKills);

    public long CspKills => Interlocked.Read(ref _cspKills);

    public void Violation(string text) => _violations.Enqueue(text);

    public void Retry(string what) => _retries.AddOrUpdate(what, 1, (_, count) => count + 1);

    public void Changed(string kind) => _changes.AddOrUpdate(kind, 1, (_, count) => count + 1);

    public void StatusBatch(int changes)
    {
        Interlocked.Increment(ref _statusBatches);
        Interlocked.Add(ref _statusChanges, changes);
    }

    public void LocalStart() => Interlocked.Increment(ref _localStarts);

    public void RemoteStart() => Interlocked.Increment(ref _remoteStarts);

    public void Authorization() => Interlocked.Increment(ref _authorizations);

    public void AuthorizationRepeat() => Interlocked.Increment(ref _authorizationRepeats);

    public void Reservation() => Interlocked.Increment(ref _reservations);

    public void Killed(bool cso)
    {
        if (cso)
        {
            Interlocked.Increment(ref _csoKills);
        }
        else
        {
            Interlocked.Increment(ref _cspKills);
        }
    }

    /// <summary>
    /// Records the CSO's answer to a change of a published record: versions must follow one another by one (a greater
    /// step means a change the driver did not make was applied, e.g. a retry applied twice; a smaller one, a lost write).
    /// </summary>
    public void Publish(string kind, string id, ulong version, bool removed, string detail)
    {
        Changed(kind);
        Published.AddOrUpdate(
            (kind, id),
            _ =>
            {
                if (version != 1)
                {
                    Violation($"{kind} {id}: first change answered version {version}, expected 1");
                }

                return new Published(version, removed, detail);
            },
            (_, previous) =>
            {
                if (version != previous.Version + 1)
                {
                    Violation($"{kind} {id}: change after version {previous.Version} answered version {version}, expected {previous.Version + 1}");
                }

                return new Published(version, removed, detail);
            });
    }
}

/// <summary>A published record's last known state: version, tombstone, and a detail the CSP's view shows (site name, notice state).</summary>
internal sealed record Published(ulong Version, bool Removed, string Detail);

/// <summary>One charging session the driver ran: its flow, the session versions answered at each step, and its commands.</summary>
internal sealed class SessionRun(string flow, string sessionId, string evseId, string tokenUid)
{
    public string Flow { get; } = flow;

    public string SessionId { get; } = sessionId;

    public string EvseId { get; } = evseId;

    public string TokenUid { get; } = tokenUid;

    /// <summary>The session version in the answer of each step, in order.</summary>
    public List<ulong> Versions { get; } = [];

    public double EnergyKwh { get; set; }

    /// <summary>The charge plan version the CSO answered the override with (0 = no override).</summary>
    public ulong PlanVersion { get; set; }

    public bool Completed { get; set; }
}

/// <summary>One reservation the driver made and canceled.</summary>
internal sealed class ReservationRun(string reservationId, string evseId)
{
    public string ReservationId { get; } = reservationId;

    public string EvseId { get; } = evseId;

    public ReservationState FinalState { get; set; }

    public ulong FinalVersion { get; set; }
}
