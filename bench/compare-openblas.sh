#!/usr/bin/env bash
# SGEMM: llava4j vs OpenBLAS (through numpy), run alternately in one session on the shapes of issue 3, at 1 and 2
# threads. Prints a ratio table (llava4j GFLOP/s / OpenBLAS GFLOP/s, medians of ROUNDS alternating rounds).
#   bench/compare-openblas.sh [ROUNDS]        (needs /usr/bin/python3 with numpy on OpenBLAS:
#                                              apt-get install -y python3-numpy libopenblas0-pthread; done here if missing)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
# SHAPES="1024x1024x1024 2048x2048x2048" overrides the list
read -r -a SHAPES <<<"${SHAPES:-512x512x512 1024x1024x1024 2048x2048x2048 576x1024x4096 600x4096x11008 600x11008x4096 1x4096x4096}"
PY=/usr/bin/python3

# The BLAS library numpy's matmul actually loaded (a path from /proc/self/maps), or "none".
numpy_blas() {
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" - <<'PY' 2>/dev/null || echo none
import numpy as np
np.ones((64, 64), dtype=np.float32) @ np.ones((64, 64), dtype=np.float32)
libs = {line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line}
print(next((l for l in sorted(libs) if "libopenblas" in l), next((l for l in sorted(libs) if "openblas" in l),
           next(iter(sorted(libs)), "none"))))
PY
}

# python3-numpy alone pulls in Debian's netlib reference BLAS (~3 GFLOP/s): a ratio against it means nothing.
if [[ "$(numpy_blas)" != *openblas* ]]; then
    echo "installing python3-numpy and OpenBLAS (Debian) ..." >&2
    apt-get install -y -q python3-numpy libopenblas0-pthread >/dev/null || true   # checked just below
fi
BLAS="$(numpy_blas)"
if [[ "$BLAS" != *openblas* ]]; then
    echo "error: numpy's matmul loads '$BLAS', not OpenBLAS; install it with: apt-get install -y libopenblas0-pthread" >&2
    exit 1
fi
"$ROOT/llava4j" version >/dev/null   # builds the jar once, outside the timings

# numpy's OpenBLAS, with this machine's OPENBLAS_CORETYPE/L2_SIZE overrides removed for this command only
numpy_gflops() { # M K N THREADS
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$4" OMP_NUM_THREADS="$4" "$PY" - "$1" "$2" "$3" <<'PY'
import sys, time, numpy as np
m, k, n = map(int, sys.argv[1:4])
rng = np.random.default_rng(1)
a = rng.standard_normal((m, k), dtype=np.float32)
w = rng.standard_normal((n, k), dtype=np.float32)
b = w.T                      # the Linear layout: y = x . W^T
for _ in range(3):
    a @ b
t0 = time.perf_counter(); a @ b; dt = time.perf_counter() - t0
calls = max(1, min(10000, int(0.05 / max(dt, 1e-9))))
samples = []
for _ in range(7):
    t0 = time.perf_counter()
    for _ in range(calls):
        a @ b
    samples.append((time.perf_counter() - t0) / calls)
samples.sort()
print(f"{2.0 * m * n * k / samples[3] / 1e9:.2f}")
PY
}

llava4j_gflops() { # M K N THREADS
    "$ROOT/llava4j" bench gemm --m "$1" --k "$2" --n "$3" --threads "$4" --json 2>/dev/null \
        | "$PY" -c "import json,sys; print(json.loads(sys.stdin.readline())['gflops'])"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "numpy $("$PY" -c 'import numpy; print(numpy.__version__)') with $BLAS" >&2

printf "%-16s %7s %12s %12s %7s\n" "shape MxKxN" threads "llava4j" "OpenBLAS" ratio
for threads in 1 2; do
    for shape in "${SHAPES[@]}"; do
        IFS=x read -r M K N <<<"$shape"
        ours=(); theirs=()
        for ((r = 0; r < ROUNDS; r++)); do
            theirs+=("$(numpy_gflops "$M" "$K" "$N" "$threads")")
            ours+=("$(llava4j_gflops "$M" "$K" "$N" "$threads")")
        done
        o=$(median "${ours[@]}"); t=$(median "${theirs[@]}")
        printf "%-16s %7s %12s %12s %7.2f\n" "$shape" "$threads" "$o" "$t" "$(awk -v a="$o" -v b="$t" 'BEGIN {print a / b}')"
    done
done
echo "(GFLOP/s; medians of $ROUNDS alternating rounds; each sample repeats the product for >= 50 ms)"
