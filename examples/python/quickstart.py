#!/usr/bin/python3
"""Partner quickstart: a home-CSP's program calling a visited-CSO's roaming endpoint (IEC 63119-2) over gRPC.

It authenticates with the CSP's role certificate (mutual TLS) and then, step by step:
  1. reads its own party from the certificate and asks the CSO who it is (GetPlatformInfo),
  2. performs the UC1-1 handshake, stating the same URL and use cases as the CSP endpoint it belongs to,
  3. pulls every site, page by page (UC1-2),
  4. follows the EVSE status stream from a snapshot, acknowledging what it applied, and disconnects (UC1-3),
  5. starts a remote session at an EVSE, follows its command results and charging information, stops it
     (UC3-2, UC3-6, UC3-4),
  6. resumes the status stream after the last sequence it applied: the changes made while it was away (the EVSE
     charging, then available again) arrive, each exactly once, in increasing sequence order.
It prints a trace of each step and exits 0 only if every step had the expected outcome (1 otherwise, 2 for bad
arguments). Every call has a deadline. Generate the stubs first: examples/python/generate.sh.

    /usr/bin/python3 examples/python/quickstart.py https://localhost:7443 certs/dev/csp https://localhost:7444 \\
        'DE*ABC*EBERHBF*2' quickstart-user-1 --display-name '8EO Mobility'
"""

import argparse
import collections
import pathlib
import queue
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "gen"))  # where generate.sh writes the stubs

try:
    import grpc
    from cryptography import x509

    import error_details_pb2
    from roaminggrpc.roaming.v1 import charging_service_pb2 as charging
    from roaminggrpc.roaming.v1 import charging_service_pb2_grpc as charging_grpc
    from roaminggrpc.roaming.v1 import commands_pb2 as commands
    from roaminggrpc.roaming.v1 import common_pb2 as common
    from roaminggrpc.roaming.v1 import evse_status_pb2 as evse_status
    from roaminggrpc.roaming.v1 import evse_status_service_pb2 as status_service
    from roaminggrpc.roaming.v1 import evse_status_service_pb2_grpc as status_grpc
    from roaminggrpc.roaming.v1 import platform_service_pb2 as platform
    from roaminggrpc.roaming.v1 import platform_service_pb2_grpc as platform_grpc
    from roaminggrpc.roaming.v1 import sessions_pb2 as sessions
    from roaminggrpc.roaming.v1 import site_service_pb2 as site_service
    from roaminggrpc.roaming.v1 import site_service_pb2_grpc as site_grpc
    from roaminggrpc.roaming.v1 import sites_pb2 as sites
    from roaminggrpc.roaming.v1 import tokens_pb2 as tokens
except ImportError as missing:
    sys.exit(f"quickstart: {missing}. Install python3-grpcio python3-protobuf python3-cryptography and run "
             f"examples/python/generate.sh first (see examples/python/README.md).")

STREAM_DEADLINE = 120.0  # seconds: the deadline of each stream as a whole
FIRST_WATCH_SECONDS = 2.0  # how long the first status connection follows live changes after its snapshot


class Failed(Exception):
    """A step did not have the expected outcome."""


def name(enum, value):
    """The proto name of an enum value (e.g. EVSE_STATUS_AVAILABLE), or the number if this stub does not know it."""
    try:
        return enum.Name(value)
    except ValueError:
        return str(value)


def short(identifier):
    return identifier[:8]


def outcome_of(command_id):
    """Selects the command result of one command on the WatchChargingInfo stream."""
    return lambda event: event.HasField("command_result") and event.command_result.command_id == command_id


def rpc_error_text(error):
    """Status code, message and ErrorInfo reason (from the grpc-status-details-bin trailer) of a failed call."""
    text = f"{error.code().name}: {error.details()}"
    for key, value in error.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        for detail in error_details_pb2.RpcStatus.FromString(value).details:
            if detail.type_url.endswith("/google.rpc.ErrorInfo"):
                info = error_details_pb2.ErrorInfo.FromString(detail.value)
                extra = "".join(f", {k}={v}" for k, v in sorted(info.metadata.items()))
                text += f" (reason {info.reason}{extra})"
    return text


class Stream:
    """One call of a resumable bidirectional stream (protos/.../streams.proto), read with a timeout per message.

    Requests go through a queue that gRPC drains; responses are read on a thread into another queue, so that the
    caller can wait for the next message for a limited time and still send acks in between.
    """

    _END = object()

    def __init__(self, method, start_request):
        self._requests = queue.Queue()
        self._responses = queue.Queue()
        self._requests.put(start_request)
        self._call = method(iter(self._requests.get, self._END), timeout=STREAM_DEADLINE)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for response in self._call:
                self._responses.put(response)
            self._responses.put(self._END)
        except grpc.RpcError as error:
            self._responses.put(error)

    def send(self, request):
        self._requests.put(request)

    def next(self, timeout):
        """The next producer message, or None when none came within `timeout` seconds."""
        try:
            item = self._responses.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None
        if item is self._END:
            raise Failed("the CSO ended the stream unexpectedly")
        if isinstance(item, grpc.RpcError):
            raise Failed(f"the stream ended with {rpc_error_text(item)}")
        return item

    def close(self):
        """Half-closes the request side; the producer then ends the stream with OK (streams.proto)."""
        self._requests.put(self._END)
        while True:
            try:
                item = self._responses.get(timeout=5)
            except queue.Empty:
                self._call.cancel()
                raise Failed("the CSO did not end the stream within 5 s of the half-close")
            if item is self._END:
                return
            if isinstance(item, grpc.RpcError):
                raise Failed(f"the stream ended with {rpc_error_text(item)} instead of OK")


class Quickstart:
    def __init__(self, args):
        self.args = args
        self.deadline = args.deadline
        self.steps = []
        self.statuses = {}  # EVSE id -> status, as applied from the status stream
        self.status_applied = 0  # the last status sequence applied: the cursor to resume after
        self.use_cases = []  # what the handshake states (see connect)

    # -- output ---------------------------------------------------------------------------------------------
    def step(self, title):
        self.steps.append(title)
        print(f"\n== {len(self.steps)}. {title}", flush=True)

    @staticmethod
    def say(line):
        print(f"   {line}", flush=True)

    # -- 1. identity and connection -------------------------------------------------------------------------
    def connect(self):
        self.step("identity from the certificate, mutual TLS connection, GetPlatformInfo")
        directory = pathlib.Path(self.args.cert_dir)
        try:
            ca, cert, key = (directory.joinpath(f).read_bytes() for f in ("ca.pem", "cert.pem", "key.pem"))
        except OSError as error:
            raise Failed(f"cannot read the certificate directory: {error}")
        self.role, self.party = self.certificate_identity(cert)
        self.say(f"certificate: role {self.role}, party {self.party}")
        if self.role != "csp":
            raise Failed(f"{directory} holds a {self.role} certificate; this program speaks for a CSP")

        url = urlsplit(self.args.cso_url)
        if url.scheme != "https" or not url.hostname:
            raise Failed(f"the CSO URL must be https://HOST[:PORT], not {self.args.cso_url}")
        host = f"[{url.hostname}]" if ":" in url.hostname else url.hostname
        target = f"{host}:{url.port or 443}"
        # The CSP certificate is the client certificate; the CSO's server certificate must chain to the roaming CA
        # and name the host (checked by gRPC against the target's host name).
        credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)
        self.channel = grpc.secure_channel(target, credentials)

        info = platform_grpc.PlatformServiceStub(self.channel).GetPlatformInfo(
            platform.GetPlatformInfoRequest(), timeout=self.deadline).platform
        self.say(f"connected to {target}: {info.display_name or info.party_id} ({info.party_id}, "
                 f"{name(common.Role, info.role)}), {len(info.use_cases)} live use cases")
        if info.role != common.ROLE_CSO:
            raise Failed(f"{self.args.cso_url} is not a CSO endpoint")
        # A handshake replaces the partner record, so a program speaking for the CSP endpoint states exactly what that
        # endpoint states (URL, name, use cases); the CSO then answers UNCHANGED. Endpoints of one build advertise the
        # same live use cases in both roles, so the CSO's list is the CSP endpoint's list.
        self.use_cases = list(info.use_cases)

    @staticmethod
    def certificate_identity(cert_pem):
        """(role, party) from the certificate's subject alternative name urn:iec63119:<role>:<party>."""
        try:
            certificate = x509.load_pem_x509_certificate(cert_pem)
            names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except (ValueError, x509.ExtensionNotFound) as error:
            raise Failed(f"cert.pem is not a roaming role certificate: {error}")
        for uri in names.get_values_for_type(x509.UniformResourceIdentifier):
            if uri.startswith("urn:iec63119:"):
                _, _, role, party = uri.split(":", 3)
                return role, party
        raise Failed("the certificate carries no urn:iec63119:<role>:<party> name")

    # -- 2. handshake ---------------------------------------------------------------------------------------
    def handshake(self):
        self.step("UC1-1 handshake (PlatformService.Handshake)")
        caller = platform.PlatformInfo(
            party_id=self.party,
            role=common.ROLE_CSP,
            endpoint_url=self.args.csp_url,
            display_name=self.args.display_name,
            use_cases=self.use_cases,
        )
        response = platform_grpc.PlatformServiceStub(self.channel).Handshake(
            platform.HandshakeRequest(request_id=str(uuid.uuid4()), caller=caller), timeout=self.deadline)
        registration = response.registration
        self.say(f"{response.platform.party_id} registered {registration.party_id} at {registration.endpoint_url}: "
                 f"{name(platform.RegistrationOutcome, registration.outcome)}")
        if registration.outcome == platform.REGISTRATION_OUTCOME_UPDATED:
            self.say("note: the record changed; state what your CSP endpoint states (URL, --display-name, use cases)")

    # -- 3. sites -------------------------------------------------------------------------------------------
    def pull_sites(self):
        self.step("UC1-2 sites (SiteService.ListSites, every page)")
        stub = site_grpc.SiteServiceStub(self.channel)
        request = site_service.ListSitesRequest(page_size=self.args.page_size)
        all_sites, page = [], 0
        while True:
            response = stub.ListSites(request, timeout=self.deadline)
            page += 1
            all_sites.extend(response.sites)
            self.say(f"page {page}: {len(response.sites)} sites")
            if not response.next_page_token:
                break
            request.page_token = response.next_page_token
        evses = {evse.evse_id: (site, evse) for site in all_sites for evse in site.evses}
        self.say(f"{len(all_sites)} sites with {len(evses)} EVSEs; next delta: updated_since = "
                 f"{response.sync_time.ToJsonString()}")
        if self.args.evse_id not in evses:
            raise Failed(f"EVSE {self.args.evse_id} is on none of the CSO's sites")
        site, evse = evses[self.args.evse_id]
        capabilities = [name(sites.EvseCapability, c).removeprefix("EVSE_CAPABILITY_") for c in evse.capabilities]
        self.say(f"{evse.evse_id} at {site.name}, {site.city}: {', '.join(capabilities)}")
        if sites.EVSE_CAPABILITY_REMOTE_START_STOP_CAPABLE not in evse.capabilities:
            raise Failed(f"EVSE {evse.evse_id} cannot be started remotely (no REMOTE_START_STOP_CAPABLE)")

    # -- 4. and 6. the EVSE status stream -------------------------------------------------------------------
    def apply_status(self, stream, event):
        """Applies one status event and acknowledges it (cumulative ack = everything up to it is applied)."""
        self.statuses[event.evse_status.evse_id] = event.evse_status.status
        self.status_applied = event.sequence
        stream.send(status_service.WatchEvseStatusRequest(ack={"sequence": event.sequence}))

    def watch_status_from_snapshot(self):
        self.step("UC1-3 status stream from a snapshot (EvseStatusService.WatchEvseStatus), then disconnect")
        stream = Stream(status_grpc.EvseStatusServiceStub(self.channel).WatchEvseStatus,
                        status_service.WatchEvseStatusRequest(start={"snapshot": True, "max_in_flight": 500}))
        opened = self.expect(stream, "opened").opened
        self.say(f"opened: log head {opened.latest_sequence}, window {opened.max_in_flight}, "
                 f"heartbeat every {opened.heartbeat_interval.seconds} s")
        begin = self.expect(stream, "snapshot_begin").snapshot_begin
        while True:
            message = self.expect(stream, "snapshot_item", "snapshot_end")
            if message.HasField("snapshot_end"):
                break
            self.statuses[message.snapshot_item.evse_id] = message.snapshot_item.status
        end = message.snapshot_end
        if end.sequence != begin.sequence or end.item_count != len(self.statuses):
            raise Failed(f"snapshot inconsistent: begin {begin.sequence}, end {end.sequence}, "
                         f"{end.item_count} items announced, {len(self.statuses)} received")
        self.status_applied = end.sequence
        stream.send(status_service.WatchEvseStatusRequest(ack={"sequence": end.sequence}))  # confirms the snapshot
        counts = collections.Counter(name(evse_status.EvseStatus, s).removeprefix("EVSE_STATUS_")
                                     for s in self.statuses.values())
        self.say(f"snapshot at sequence {end.sequence}: {len(self.statuses)} EVSEs "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), acked")
        self.say(f"{self.args.evse_id} is {self.status_name(self.args.evse_id)}")

        # Live changes, if any, for a moment: apply and ack each; a heartbeat means there is nothing new.
        live = 0
        while live < 5:
            message = stream.next(FIRST_WATCH_SECONDS)
            if message is None:
                self.say(f"no change for {FIRST_WATCH_SECONDS:.0f} s")
                break
            if message.HasField("heartbeat"):
                self.say(f"heartbeat: head {message.heartbeat.latest_sequence}: nothing new")
                break
            self.check_increasing(message.event.sequence)
            self.apply_status(stream, message.event)
            live += 1
            self.say(f"event {message.event.sequence}: {message.event.evse_status.evse_id} -> "
                     f"{self.status_name(message.event.evse_status.evse_id)} (applied, acked)")
        stream.close()
        self.say(f"disconnected; last applied sequence (the cursor to resume after): {self.status_applied}")

    def resume_status(self):
        self.step(f"UC1-3 status stream resumed after sequence {self.status_applied}")
        cursor = self.status_applied
        stream = Stream(status_grpc.EvseStatusServiceStub(self.channel).WatchEvseStatus,
                        status_service.WatchEvseStatusRequest(start={"resume_after_sequence": cursor,
                                                                     "max_in_flight": 500}))
        opened = self.expect(stream, "opened").opened
        self.say(f"opened: resuming after {opened.resume_after_sequence}, log head {opened.latest_sequence}")
        if opened.resume_after_sequence != cursor:
            raise Failed(f"the CSO resumes after {opened.resume_after_sequence}, not after our cursor {cursor}")
        # Stops once the EVSE we charged at is reported free again, or at a heartbeat (caught up with the log).
        evse, seen, received = self.args.evse_id, [], []
        while not (seen and seen[-1] == "AVAILABLE"):
            message = stream.next(opened.heartbeat_interval.seconds + 5)
            if message is None:
                raise Failed("neither an event nor a heartbeat arrived within the heartbeat interval")
            if message.HasField("heartbeat"):
                self.say(f"heartbeat: head {message.heartbeat.latest_sequence}: caught up")
                break
            event = message.event
            self.check_increasing(event.sequence)
            self.apply_status(stream, event)
            received.append(event.sequence)
            if event.evse_status.evse_id == evse:
                seen.append(self.status_name(evse))
            if len(received) <= 10 or event.evse_status.evse_id == evse:
                self.say(f"event {event.sequence}: {event.evse_status.evse_id} -> "
                         f"{self.status_name(event.evse_status.evse_id)} (applied, acked)")
        stream.close()
        if not received:
            raise Failed("no status change arrived after the cursor, though the EVSE charged meanwhile")
        self.say(f"{len(received)} events after {cursor}: {received[0]} .. {received[-1]}, strictly increasing, "
                 f"none at or below the cursor (no duplicate); last applied {self.status_applied}")
        self.say(f"{evse} while we were away: {' -> '.join(seen) or 'no change'}")
        if not seen:
            raise Failed(f"the resumed stream did not deliver the changes of {evse}, where we charged meanwhile")
        if "CHARGING" not in seen:
            self.say("(CHARGING was coalesced: a consumer that is behind gets only the newest status of an EVSE)")

    def check_increasing(self, sequence):
        if sequence <= self.status_applied:
            raise Failed(f"event {sequence} is at or below the last applied sequence {self.status_applied}: "
                         f"the producer must resume strictly after the cursor")

    def status_name(self, evse_id):
        status = self.statuses.get(evse_id)
        if status is None:
            return "UNKNOWN (no status reported yet)"
        return name(evse_status.EvseStatus, status).removeprefix("EVSE_STATUS_")

    # -- 5. remote start and stop ---------------------------------------------------------------------------
    def charge(self):
        self.step("UC3-2/3-6/3-4 remote start, charging information, remote stop (ChargingService)")
        stub = charging_grpc.ChargingServiceStub(self.channel)
        # Open the charging-information stream first (live, from the head), so no outcome can be missed.
        stream = Stream(stub.WatchChargingInfo, charging.WatchChargingInfoRequest(start={"max_in_flight": 100}))
        opened = self.expect(stream, "opened").opened
        self.charging_applied = opened.resume_after_sequence
        self.say(f"WatchChargingInfo opened at sequence {opened.resume_after_sequence}")

        start = stub.StartSession(charging.StartSessionRequest(
            request_id=str(uuid.uuid4()),
            token=tokens.TokenRef(uid=self.args.token, type=tokens.TOKEN_TYPE_APP_USER),
            evse_id=self.args.evse_id,
            identification_method=tokens.IDENTIFICATION_METHOD_QR_APP,
        ), timeout=self.deadline)
        session_id = start.session.session_id
        self.say(f"StartSession accepted: command {short(start.command_id)}, session {short(session_id)} "
                 f"{name(sessions.SessionState, start.session.state).removeprefix('SESSION_STATE_')}, "
                 f"outcome within {start.result_timeout.seconds} s")
        result = self.wait_for(stream, f"outcome of StartSession {short(start.command_id)}",
                               start.result_timeout.seconds + 10, outcome_of(start.command_id))
        if result.result != commands.COMMAND_RESULT_TYPE_STARTED:
            raise Failed(f"the start ended {name(commands.CommandResultType, result.result)}: {result.message}")
        self.wait_for(stream, "charging information with energy", 15,
                      lambda e: e.HasField("charging_info") and e.charging_info.session_id == session_id
                      and e.charging_info.energy_kwh > 0)

        stop = stub.StopSession(charging.StopSessionRequest(request_id=str(uuid.uuid4()), session_id=session_id),
                                timeout=self.deadline)
        self.say(f"StopSession accepted: command {short(stop.command_id)}")
        result = self.wait_for(stream, f"outcome of StopSession {short(stop.command_id)}",
                               stop.result_timeout.seconds + 10, outcome_of(stop.command_id))
        if result.result != commands.COMMAND_RESULT_TYPE_STOPPED:
            raise Failed(f"the stop ended {name(commands.CommandResultType, result.result)}: {result.message}")
        stream.close()

        session = stub.GetSession(charging.GetSessionRequest(session_id=session_id), timeout=self.deadline).session
        cost = session.cost_incl_vat
        priced = f"{cost.amount} {cost.currency_code} incl. VAT" if session.HasField("cost_incl_vat") else "no price"
        self.say(f"GetSession {short(session_id)}: "
                 f"{name(sessions.SessionState, session.state).removeprefix('SESSION_STATE_')}, "
                 f"{session.energy_kwh:.1f} kWh, {priced}")

    def wait_for(self, stream, what, seconds, wanted):
        """Applies and acks charging events until one is `wanted`; returns its command result or info."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            message = stream.next(until - time.monotonic())
            if message is None or not message.HasField("event"):
                continue  # a heartbeat
            event = message.event
            if event.sequence <= self.charging_applied:
                continue  # at or below the last applied sequence: a redelivery, already applied
            self.charging_applied = event.sequence
            stream.send(charging.WatchChargingInfoRequest(ack={"sequence": event.sequence}))
            if event.HasField("command_result"):
                r = event.command_result
                self.say(f"event {event.sequence}: command {short(r.command_id)} "
                         f"{name(commands.CommandType, r.command_type).removeprefix('COMMAND_TYPE_')} -> "
                         f"{name(commands.CommandResultType, r.result).removeprefix('COMMAND_RESULT_TYPE_')}")
            else:
                i = event.charging_info
                soc = f", SoC {i.state_of_charge:.0f} %" if i.HasField("state_of_charge") else ""
                cost = f", {i.cost_incl_vat.amount} {i.cost_incl_vat.currency_code}" if i.HasField("cost_incl_vat") \
                    else ""
                self.say(f"event {event.sequence}: session {short(i.session_id)} "
                         f"{name(sessions.SessionState, i.state).removeprefix('SESSION_STATE_')}, "
                         f"{i.energy_kwh:.1f} kWh at {i.power_kw:.0f} kW{soc}{cost}")
            if wanted(event):
                return event.command_result if event.HasField("command_result") else event.charging_info
        raise Failed(f"no {what} within {seconds} s")

    @staticmethod
    def expect(stream, *kinds):
        message = stream.next(30)
        if message is None:
            raise Failed(f"expected {' or '.join(kinds)} on the stream, got nothing within 30 s")
        kind = message.WhichOneof("kind")
        if kind not in kinds:
            raise Failed(f"expected {' or '.join(kinds)} on the stream, got {kind}")
        return message

    def run(self):
        try:
            self.connect()
            self.handshake()
            self.pull_sites()
            self.watch_status_from_snapshot()
            self.charge()
            self.resume_status()
        except (Failed, grpc.RpcError) as error:
            reason = rpc_error_text(error) if isinstance(error, grpc.RpcError) else str(error)
            step = f"step {len(self.steps)} ({self.steps[-1]})" if self.steps else "start"
            print(f"\nquickstart FAILED in {step}: {reason}", file=sys.stderr, flush=True)
            return 1
        finally:
            if hasattr(self, "channel"):
                self.channel.close()
        print(f"\nquickstart passed: {len(self.steps)} steps", flush=True)
        return 0


def main():
    parser = argparse.ArgumentParser(description="Roaming partner quickstart: a home-CSP program calling a CSO.")
    parser.add_argument("cso_url", help="the CSO endpoint, e.g. https://localhost:7443")
    parser.add_argument("cert_dir", help="directory with the CSP's ca.pem, cert.pem and key.pem")
    parser.add_argument("csp_url", help="the CSP endpoint's own URL for the handshake, e.g. https://localhost:7444")
    parser.add_argument("evse_id", help="a remote-capable EVSE to charge at, e.g. 'DE*ABC*EBERHBF*2'")
    parser.add_argument("token", help="the app user (APP_USER token uid) to charge for")
    parser.add_argument("--display-name", default="", help="the CSP endpoint's display name, stated in the handshake")
    parser.add_argument("--deadline", type=float, default=10.0, help="deadline of each unary call in seconds (10)")
    parser.add_argument("--page-size", type=int, default=10, help="sites per ListSites page (10)")
    return Quickstart(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
