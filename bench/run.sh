#!/usr/bin/env bash
# The one benchmark command (issue 7): builds Release, runs the driver pinned to core 1 (it starts each server
# process pinned to core 0), prints the markdown table and writes it to bench/results.md.
# Usage: bench/run.sh [output-file]    (from anywhere; a few minutes on a 2-core machine)
#        ROAMING_BENCH_ONLY=auth,status,scale bench/run.sh /tmp/x.md   runs only those scenario groups
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results.md}"
dotnet build bench/RoamingGrpc.Bench/RoamingGrpc.Bench.csproj -c Release -warnaserror -nologo -v quiet
exec taskset -c 1 dotnet bench/RoamingGrpc.Bench/bin/Release/net10.0/RoamingGrpc.Bench.dll "$out" 0
