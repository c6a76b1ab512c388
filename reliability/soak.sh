#!/usr/bin/env bash
# The soak part of the reliability suite (issue 13), one command: builds the driver and the roaming CLI in Release,
# runs a CSO and a CSP endpoint as `roaming serve` processes at the national network's rate (2 000 status changes per
# second, 100 charging sessions in parallel) for the duration, samples memory, file descriptors, threads, queue depths,
# the achieved rate and p99 latency every minute, and writes a markdown table and summary (see reliability/README.md).
# Usage: reliability/soak.sh [--duration 1h] [--status-rate 2000] [--sessions 100] [--out reliability/soak-results.md]
# Run the full hour on a quiet machine: the figures are this machine's, and other work on it shows in them.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[[ " $* " == *" --out "* ]] || args+=(--out reliability/soak-results.md)
dotnet build reliability/RoamingGrpc.Reliability/RoamingGrpc.Reliability.csproj -c Release -warnaserror -nologo -v quiet
exec dotnet reliability/RoamingGrpc.Reliability/bin/Release/net10.0/RoamingGrpc.Reliability.dll soak "${args[@]}"
