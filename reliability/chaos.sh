#!/usr/bin/env bash
# The chaos part of the reliability suite (issue 13), one command: builds the driver (and the roaming CLI it runs),
# then runs a CSO and a CSP endpoint as `roaming serve` processes, kills one of them with SIGKILL at a random moment of
# every cycle while status, pushes of every kind, local and remote charging and reservations flow, restarts it, and
# verifies both sides at the end. Prints the counts; exit code 1 on any violation (see reliability/README.md).
# Usage: reliability/chaos.sh [--cycles 10] [--seed 1] [--cycle-length 8s] [--status-rate 300] [--work DIR] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build reliability/RoamingGrpc.Reliability/RoamingGrpc.Reliability.csproj -warnaserror -nologo -v quiet
exec dotnet reliability/RoamingGrpc.Reliability/bin/Debug/net10.0/RoamingGrpc.Reliability.dll chaos "$@"
