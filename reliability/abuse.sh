#!/usr/bin/env bash
# The abuse part of the reliability suite (issue 13), one command: builds the driver (and the roaming CLI it runs),
# then runs a CSO and a CSP endpoint as `roaming serve` processes, measures a legitimate partner's latency, and runs
# each attack against the CSO (idle TCP flood, stalled TLS, refused certificates, malformed messages, slow request
# bodies, a revoked certificate's open streams) while the partner keeps calling. Prints a markdown table; exit code 1
# on any bound violated (see reliability/README.md).
# Usage: reliability/abuse.sh [--quick] [--attacks idle-flood,malformed] [--attack-duration 30s] [--out FILE] [--work DIR] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build reliability/RoamingGrpc.Reliability/RoamingGrpc.Reliability.csproj -warnaserror -nologo -v quiet
exec dotnet reliability/RoamingGrpc.Reliability/bin/Debug/net10.0/RoamingGrpc.Reliability.dll abuse "$@"
