#!/usr/bin/env bash
# Coverage-guided fuzzing of RoamingGrpc (issue 13, reliability suite): reliability/fuzz/README.md.
#   bash reliability/fuzz.sh <target|all> [seconds per target, default 600]
# Builds reliability/RoamingGrpc.Fuzz in Release, instruments the project assemblies with sharpfuzz, runs afl-fuzz on the
# target's seed corpus (reliability/fuzz/corpus/<target>), then replays every crash, minimizes the new corpus entries
# with afl-cmin into reliability/fuzz/corpus/<target>/ and the crashes with afl-tmin into
# reliability/fuzz/regressions/<target>/. One afl-fuzz at a time (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
targets_all=(identifiers backoffice-load streams requests)
target=${1:?usage: reliability/fuzz.sh <target|all> [seconds]; targets: ${targets_all[*]}}
seconds=${2:-600}
if [ "$target" = all ]; then targets=("${targets_all[@]}"); else targets=("$target"); fi
for t in "${targets[@]}"; do
  [[ " ${targets_all[*]} " == *" $t "* ]] || { echo "no target '$t'; the targets are: ${targets_all[*]}" >&2; exit 2; }
done

if ! command -v afl-fuzz >/dev/null; then
  echo "== installing AFL++ (Debian package afl++)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

out=$root/reliability/fuzz/out
bin=$out/bin
if [ "${FUZZ_REUSE_BUILD:-0}" = 1 ] && [ -f "$bin/RoamingGrpc.Fuzz.dll" ]; then
  echo "== reusing the instrumented build in $bin (FUZZ_REUSE_BUILD=1)"
else
  echo "== build (Release) and instrument"
  dotnet tool restore >/dev/null
  rm -rf "$bin"
  dotnet publish reliability/RoamingGrpc.Fuzz -c Release -o "$bin" -nologo -v quiet
  # Our assemblies, and the protobuf runtime so that afl-fuzz sees how far a message gets through the parser.
  for assembly in RoamingGrpc.Domain RoamingGrpc.Contracts RoamingGrpc.Storage RoamingGrpc.Endpoint roaming Google.Protobuf; do
    dotnet sharpfuzz "$bin/$assembly.dll" >/dev/null
  done
fi

export AFL_SKIP_BIN_CHECK=1          # the target is dotnet running an instrumented assembly, not an instrumented binary
export AFL_MAP_SIZE=65536            # sharpfuzz's trace map
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
dotnet=$(command -v dotnet)   # afl-cmin and afl-tmin want the path of the program
run_target() { "$dotnet" "$bin/RoamingGrpc.Fuzz.dll" "$@"; }

# The requests target's trace map also takes in what the two endpoints do on their own threads meanwhile (handshakes,
# pushes, Kestrel), so its coverage is unstable (20-50 %) and afl-cmin keeps a thousand inputs for noise. Its corpus is
# thinned by answer instead: of the afl-* entries, the smallest input per RPC and outcome (values and digits blanked)
# stays; the seeds all stay.
thin_by_outcome() {
  local t=$1 corpus=$2 file outcome rpc key
  declare -A keep=() seen=()
  while IFS= read -r line; do
    file=${line%%: *}
    outcome=${line#*: }
    [[ $(basename "$file") == afl-* && -f $file ]] || continue
    seen[$file]=1
    rpc=$(head -c 64 "$file" | head -n 1 | tr -cd '[:alnum:]/')
    key="$rpc $(sed -e "s/'[^']*'/X/g" -e 's/[0-9]\+/N/g' <<< "$outcome")"
    if [ -z "${keep[$key]:-}" ] || [ "$(stat -c %s "$file")" -lt "$(stat -c %s "${keep[$key]}")" ]; then
      keep[$key]=$file
    fi
  done < <(run_target "$t" --replay "$corpus" | grep -a -v ': CRASH ')
  local kept=" ${keep[*]} " removed=0
  for file in "${!seen[@]}"; do
    if [[ $kept != *" $file "* ]]; then rm "$file"; removed=$((removed + 1)); fi
  done
  echo "$removed entries with an answer another entry gives removed ($(ls "$corpus" | wc -l) in all)"
}

for t in "${targets[@]}"; do
  corpus=$root/reliability/fuzz/corpus/$t
  findings=$out/findings/$t
  regressions=$root/reliability/fuzz/regressions/$t
  rm -rf "$findings"
  mkdir -p "$out/findings"
  echo "== afl-fuzz $t for ${seconds} s"
  # -t: a .NET child starts in about a second and the requests target starts two endpoints on its first input.
  afl-fuzz -i "$corpus" -o "$findings" -V "$seconds" -t 20000 -m none -- "$dotnet" "$bin/RoamingGrpc.Fuzz.dll" "$t" \
    > "$out/afl-$t.log" 2>&1 || { tail -30 "$out/afl-$t.log"; exit 1; }
  stats=$findings/default/fuzzer_stats
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|saved_crashes|saved_hangs|stability|bitmap_cvg) ' "$stats"

  echo "== $t: new corpus entries, minimized (afl-cmin)"
  rm -rf "$out/cmin-$t"
  if afl-cmin -i "$findings/default/queue" -o "$out/cmin-$t" -t 20000 -m none -- "$dotnet" "$bin/RoamingGrpc.Fuzz.dll" "$t" > "$out/cmin-$t.log" 2>&1; then
    added=0
    # A queue entry equal to a corpus file (the seeds come back from the queue) is not added twice.
    known=$(sha1sum "$corpus"/* | cut -c1-40)
    for file in "$out/cmin-$t"/*; do
      [ -f "$file" ] || continue
      sum=$(sha1sum "$file" | cut -c1-40)
      if ! grep -q "$sum" <<< "$known"; then
        cp "$file" "$corpus/afl-${sum:0:12}"
        known+=$'\n'$sum
        added=$((added + 1))
      fi
    done
    echo "$added entries added to $corpus ($(ls "$corpus" | wc -l) in all)"
    if [ "$t" = requests ]; then thin_by_outcome "$t" "$corpus"; fi
  else
    echo "afl-cmin failed (see $out/cmin-$t.log); the corpus is unchanged"
  fi

  mapfile -t crashes < <(find "$findings/default/crashes" "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | sort)
  if [ ${#crashes[@]} -gt 0 ]; then
    # afl-fuzz saves every input that reaches a failure by a new path: hundreds of inputs for one bug. They are replayed
    # in one process, grouped by their failure (the first line of the exception, digits blanked), and only the smallest
    # input of each group is minimized (afl-tmin) and kept.
    echo "== $t: ${#crashes[@]} crash(es) and hang(s); one per distinct failure, minimized (afl-tmin) into $regressions"
    replayed=$out/crashes-$t
    rm -rf "$replayed"
    mkdir -p "$replayed" "$regressions"
    cp "${crashes[@]}" "$replayed/"
    run_target "$t" --replay "$replayed" > "$out/replay-$t.log" 2>&1 || true
    declare -A smallest=()
    while IFS=$'\t' read -r file failure; do
      key=$(sed 's/[0-9]\+/N/g' <<< "$failure" | cut -c1-300)
      if [ -z "${smallest[$key]:-}" ] || [ "$(stat -c %s "$file")" -lt "$(stat -c %s "${smallest[$key]}")" ]; then
        smallest[$key]=$file
      fi
    done < <(grep -a ': CRASH ' "$out/replay-$t.log" | sed 's/: CRASH /\t/')
    echo "$(grep -ac ': CRASH ' "$out/replay-$t.log") of ${#crashes[@]} fail again on replay; ${#smallest[@]} distinct failure(s):"
    for key in "${!smallest[@]}"; do
      crash=${smallest[$key]}
      echo "  $key"
      minimized=$out/tmin-$t-$(basename "$crash" | tr ':,' '__')
      afl-tmin -i "$crash" -o "$minimized" -t 20000 -m none -- "$dotnet" "$bin/RoamingGrpc.Fuzz.dll" "$t" >/dev/null 2>&1 || cp "$crash" "$minimized"
      cp "$minimized" "$regressions/crash-$(sha1sum "$minimized" | cut -c1-12)"
    done
    unset smallest
    run_target "$t" --replay "$regressions" | grep CRASH | cut -c1-400 || true
  else
    echo "== $t: no crash, no hang"
  fi
done
