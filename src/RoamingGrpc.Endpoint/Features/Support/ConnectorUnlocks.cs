using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Support;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// Emergency cable unlocking (UC5-2, UC5-3) on the visited-CSO: finds the connector of the caller's session or failed
/// activation, checks that the EVSE can unlock, opens the UNLOCK_CONNECTOR command for the station
/// (<see cref="StationCommands"/>; its outcome travels like every command's) and audits the request, accepted or
/// refused. A session, command or authorization reference of another CSP is PERMISSION_DENIED / PARTY_MISMATCH
/// (support_service.proto explains why); ids that do not exist are NOT_FOUND.
/// </summary>
internal sealed class ConnectorUnlocks(
    ISessionStore sessions,
    ICommandStore commands,
    IUnlockRequestLog audit,
    EvseLocator evses,
    StationCommands stationCommands,
    TimeProvider clock)
{
    /// <summary>How many of an EVSE's latest sessions are searched for an authorization reference (UC5-3).</summary>
    public const int RecentSessions = 100;

    /// <summary>Opens the unlock command for <paramref name="provider"/>'s target, audits the request and returns the command.</summary>
    public StationCommand Unlock(WriteContext write, string provider, UnlockTarget target, string requestId, string reason)
    {
        var subject = target.SessionId.Length > 0 ? SessionToUnlock(write, provider, target.SessionId) : FailedActivation(write, provider, target);
        var location = evses.Locate(write, subject.EvseId, subject.ConnectorId, target.SessionId.Length > 0 ? "session_id" : "failed_activation.evse_id");
        if (!location.Evse.Capabilities.Contains(EvseCapability.UnlockCapable))
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.NotUnlockCapable,
                $"EVSE {subject.EvseId} cannot unlock its connectors remotely (no UNLOCK_CAPABLE); on-site assistance is needed.",
                [new("evse_id", subject.EvseId)]);
        }

        var session = subject.Session;
        var command = new StationCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            CommandType = CommandType.UnlockConnector,
            EvseId = subject.EvseId,
            ConnectorId = subject.ConnectorId,
            SessionId = session?.SessionId ?? string.Empty,
            SiteId = location.Site.SiteId,
            Token = session?.Token,
            AuthorizationReference = session?.AuthorizationReference ?? target.AuthorizationReference,
            Reason = reason,
            RequestId = requestId,
        };
        stationCommands.Open(write, provider, command);
        audit.Add(write, Row(provider, requestId, target, subject.EvseId, subject.ConnectorId, session?.SessionId ?? string.Empty, reason) with { CommandId = command.CommandId });
        return command;
    }

    /// <summary>True for the refusals the audit keeps: the request was understood, and turned down for what it named.</summary>
    public static bool IsAudited(RoamingException refusal) =>
        refusal.Kind is ErrorKind.NotFound or ErrorKind.Forbidden or ErrorKind.WrongState or ErrorKind.InvalidArgument;

    /// <summary>Audits a refused request (in its own transaction, after the refused one rolled back).</summary>
    public void Refused(WriteContext write, string provider, string requestId, UnlockTarget target, string reason, RoamingException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        // The EVSE as far as it is known: named in the request, or the session's (also another CSP's: the audit is the CSO's own).
        var sessionEvse = target.SessionId.Length > 0 ? sessions.Find(write, target.SessionId)?.EvseId : null;
        var row = Row(provider, requestId, target, sessionEvse ?? target.EvseId, target.ConnectorId, target.SessionId, reason) with
        {
            RefusalCode = RoamingErrors.CodeName(refusal.Kind),
            RefusalReason = RoamingErrors.ReasonName(refusal.Reason),
            ResultTime = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            ResultMessage = Shorten(refusal.Message),
        };
        audit.Add(write, row);
    }

    /// <summary>The contract form of an audit entry.</summary>
    public static UnlockRequestRecord ToProto(UnlockRequestRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var record = new UnlockRequestRecord
        {
            ProviderId = row.Provider,
            RequestId = row.RequestId,
            RequestTime = Time(row.RequestTime),
            EvseId = row.EvseId,
            ConnectorId = row.ConnectorId,
            SessionId = row.SessionId,
            FailedCommandId = row.FailedCommandId,
            AuthorizationReference = row.AuthorizationReference,
            Reason = row.Reason,
            CommandId = row.CommandId ?? string.Empty,
            RefusalCode = row.RefusalCode,
            RefusalReason = row.RefusalReason,
            Result = (CommandResultType)(row.Result ?? 0),
            ResultMessage = row.ResultMessage,
        };
        if (row.ResultTime is { } resultTime)
        {
            record.ResultTime = Time(resultTime);
        }

        return record;
    }

    // UC5-2: one of the caller's sessions whose energy no longer flows.
    private UnlockSubject SessionToUnlock(WriteContext write, string provider, string sessionId)
    {
        var row = sessions.Find(write, sessionId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSession, $"Session '{sessionId}' does not exist.", [new("session_id", sessionId)]);
        if (row.Provider != provider)
        {
            throw OtherProvider("session_id", provider, $"Session '{sessionId}' is not a session of {provider}.");
        }

        var session = Session.Parser.ParseFrom(row.Payload);
        switch ((SessionPhase)session.State)
        {
            case SessionPhase.Completed or SessionPhase.Invalid:
                break;
            case SessionPhase.Active when sessions.Readings(write, sessionId) is [.., { Activity: (long)SessionActivity.Parking }]:
                break;
            case SessionPhase.Active:
                throw WrongState(session.State, $"Session '{sessionId}' is ACTIVE and still charging: stop it first (StopSession); the cable unlocks when it ends.", sessionId);
            default:
                throw WrongState(session.State, $"Session '{sessionId}' is {ProtoEnumNames.Of(session.State)}: it never started. Unlock it as a failed activation once its start has failed, or stop it.", sessionId);
        }

        return new UnlockSubject(session.EvseId, session.ConnectorId, session);
    }

    // UC5-3: the caller's activation at the EVSE that failed, found by its StartSession command or authorization reference.
    private UnlockSubject FailedActivation(WriteContext write, string provider, UnlockTarget target)
    {
        Session? session;
        if (target.FailedCommandId.Length > 0)
        {
            var commandId = target.FailedCommandId;
            var command = commands.Find(write, commandId)
                ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownCommand, $"Command '{commandId}' does not exist.", [new("command_id", commandId)]);
            if (command.Provider != provider)
            {
                throw OtherProvider("failed_activation.failed_command_id", provider, $"Command '{commandId}' is not a command of {provider}.");
            }

            if ((CommandType)command.CommandType != CommandType.StartSession)
            {
                throw RoamingErrors.InvalidField("failed_activation.failed_command_id", ErrorReason.InvalidField, $"names a {ProtoEnumNames.Of((CommandType)command.CommandType)} command; a failed activation is a START_SESSION command");
            }

            if (command.EvseId != target.EvseId)
            {
                throw RoamingErrors.InvalidField("failed_activation.evse_id", ErrorReason.InvalidField, $"is not the EVSE of command '{commandId}' ({command.EvseId})");
            }

            if (command.Result is null)
            {
                throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Command '{commandId}' has no outcome yet; a start that fails is reported within its result_timeout.", [new("state", "OPEN"), new("command_id", commandId)]);
            }

            var outcome = CommandResult.Parser.ParseFrom(command.Result);
            if (outcome.Result == CommandResultType.Started)
            {
                throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Command '{commandId}' started session '{outcome.SessionId}': unlock it by session_id (UC5-2).", [new("state", "STARTED"), new("command_id", commandId)]);
            }

            session = command.SessionId is { } sessionId && sessions.Find(write, sessionId) is { } row ? Session.Parser.ParseFrom(row.Payload) : null;
        }
        else
        {
            var reference = target.AuthorizationReference;
            var attempts = sessions.RecentAtEvse(write, target.EvseId, RecentSessions)
                .Select(row => Session.Parser.ParseFrom(row.Payload))
                .Where(candidate => candidate.AuthorizationReference == reference)
                .ToList();
            session = attempts.FirstOrDefault(candidate => candidate.ProviderId == provider);
            if (session is null)
            {
                throw attempts.Count > 0
                    ? OtherProvider("failed_activation.authorization_reference", provider, $"Authorization reference '{reference}' at EVSE {target.EvseId} is not one of {provider}.")
                    : RoamingErrors.Create(
                        ErrorKind.NotFound,
                        ErrorReason.UnknownSession,
                        $"No activation with authorization reference '{reference}' at EVSE {target.EvseId}.",
                        [new("field", "failed_activation.authorization_reference"), new("authorization_reference", reference)]);
            }

            if (session.State is not (SessionState.Pending or SessionState.Invalid))
            {
                throw WrongState(session.State, $"The activation with authorization reference '{reference}' did not fail: session '{session.SessionId}' is {ProtoEnumNames.Of(session.State)}; unlock it by session_id (UC5-2).", session.SessionId);
            }
        }

        return new UnlockSubject(target.EvseId, target.ConnectorId, session);
    }

    private UnlockRequestRow Row(string provider, string requestId, UnlockTarget target, string evseId, string connectorId, string sessionId, string reason) => new(
        0,
        provider,
        requestId,
        clock.GetUtcNow().ToUnixTimeMilliseconds(),
        evseId,
        connectorId,
        sessionId,
        target.FailedCommandId,
        target.AuthorizationReference,
        reason,
        null,
        string.Empty,
        string.Empty,
        null,
        null,
        string.Empty);

    private static RoamingException OtherProvider(string field, string provider, string message) =>
        RoamingErrors.Create(ErrorKind.Forbidden, ErrorReason.PartyMismatch, message, [new("field", field), new("certificate_party_id", provider)]);

    private static RoamingException WrongState(SessionState state, string message, string sessionId) =>
        RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, message, [new("state", ProtoEnumNames.Of(state)), new("session_id", sessionId)]);

    private static Google.Protobuf.WellKnownTypes.Timestamp Time(long unixMilliseconds) =>
        Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));

    private static string Shorten(string text) => text.Length > 512 ? text[..512] : text;
}
