#!/usr/bin/env bash
# The standing reliability suite of issue 13 in one command (see reliability/README.md):
#   chaos  10 cycles of SIGKILL of either endpoint during traffic, then both sides verified (reliability/chaos.sh)
#   abuse  every attack against a CSO while a partner calls it, with bounds (reliability/abuse.sh)
#   fuzz   every kept fuzz input and regression replayed through its target (FuzzCorpusReplayTests); with
#          --fuzz-seconds N also N seconds of AFL++ per target first (reliability/fuzz.sh, installs afl++ as root)
# The soak (an hour at the national rate) is separate: reliability/soak.sh.
# Usage: reliability/suite.sh [--fuzz-seconds N]
# Prints one line per part and a totals line; exit code 1 if any part failed.
set -uo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=0
while [ $# -gt 0 ]; do
  case $1 in
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    *) echo "usage: reliability/suite.sh [--fuzz-seconds N]" >&2; exit 2 ;;
  esac
done

declare -a parts=() outcomes=()
run_part() {
  local name=$1; shift
  local started=$SECONDS
  echo "== $name: $*"
  if "$@"; then outcome=passed; else outcome=FAILED; fi
  parts+=("$name"); outcomes+=("$outcome in $((SECONDS - started)) s")
}

run_part chaos timeout --kill-after=30s 35m bash reliability/chaos.sh --cycles 10 --seed 1 --timeout 30m
run_part abuse timeout --kill-after=30s 30m bash reliability/abuse.sh
if [ "$fuzz_seconds" -gt 0 ]; then
  run_part fuzz-afl bash reliability/fuzz.sh all "$fuzz_seconds"
fi
run_part fuzz-replay dotnet test tests/RoamingGrpc.Endpoint.Tests --filter "FullyQualifiedName~FuzzCorpusReplayTests" -nologo

echo "== reliability suite"
failed=0
for i in "${!parts[@]}"; do
  printf '%-12s %s\n' "${parts[$i]}" "${outcomes[$i]}"
  [[ ${outcomes[$i]} == passed* ]] || failed=$((failed + 1))
done
echo "$(( ${#parts[@]} - failed )) passed, $failed failed"
[ $failed -eq 0 ]
