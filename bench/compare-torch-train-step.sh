#!/usr/bin/env bash
# Training step: llava4j vs PyTorch (shared/bench/torch_llava.py) on the bench config, run alternately in one
# session. Both get the same --warmup and --reps (medians of the timed steps); prints each round and the ratio of
# the medians (llava4j ms / PyTorch ms: below 1 is faster).
#   bench/compare-torch-train-step.sh [ROUNDS] [WARMUP] [REPS] [THREADS]     (defaults 3 10 15 2)
# PyTorch: Debian's python3-torch 1.13 through the OpenMP build of OpenBLAS, as shared/bench/README.md sets it up
# (apt-get install -y python3-torch python3-numpy libopenblas0-openmp).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
WARMUP="${2:-10}"
REPS="${3:-15}"
THREADS="${4:-2}"
PY=/usr/bin/python3
TORCH_DIR="$ROOT/../shared/bench"
OPENBLAS_OMP=/usr/lib/x86_64-linux-gnu/openblas-openmp

if [[ ! -f "$TORCH_DIR/torch_llava.py" ]]; then
    echo "needs ../shared/bench/torch_llava.py beside the project" >&2
    exit 2
fi
if ! "$PY" -c "import torch, numpy" 2>/dev/null || [[ ! -d "$OPENBLAS_OMP" ]]; then
    echo "needs Debian's python3-torch, python3-numpy and libopenblas0-openmp (see shared/bench/README.md)" >&2
    exit 2
fi
"$ROOT/llava4j" version >/dev/null   # builds the jar once, outside the timings

field() { "$PY" -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }

torch_ms() {
    (cd "$TORCH_DIR" && LD_LIBRARY_PATH="$OPENBLAS_OMP" "$PY" torch_llava.py --threads "$THREADS" --bench train-step \
        --prune-vision --warmup "$WARMUP" --reps "$REPS" 2>/dev/null) | field ms_per_step
}

llava4j_ms() {
    "$ROOT/llava4j" bench train-step --json --threads "$THREADS" --warmup "$WARMUP" --reps "$REPS" 2>/dev/null \
        | field ms_per_step
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "train step, bench-config.json, batch 2 x 384 positions, $THREADS threads, warmup $WARMUP, median of $REPS steps"
printf "%-6s %12s %12s %7s\n" round "llava4j ms" "PyTorch ms" ratio
ours=()
theirs=()
for r in $(seq 1 "$ROUNDS"); do
    t=$(torch_ms)
    o=$(llava4j_ms)
    theirs+=("$t")
    ours+=("$o")
    printf "%-6s %12.1f %12.1f %7.2f\n" "$r" "$o" "$t" "$("$PY" -c "print($o / $t)")"
done
mo=$(median "${ours[@]}")
mt=$(median "${theirs[@]}")
printf "%-6s %12.1f %12.1f %7.2f\n" median "$mo" "$mt" "$("$PY" -c "print($mo / $mt)")"
