#!/usr/bin/env bash
# GPU check for llava4j on a machine with an NVIDIA GPU (written for an H100, CUDA 13, nvcc, PyTorch 2.11 and
# transformers). One run, under 8 minutes, prints a summary table and exits non-zero if any step FAILED:
#   1. environment   nvidia-smi / nvcc / torch versions
#   2. build         ./mvnw install of tensor, backend-cpu, backend-gpu (tests skipped)
#   3. gpu tests     backend-gpu tests: kernels compiled by nvcc for sm_80/sm_90 (-Werror), NVRTC at run time,
#                    every Backend SPI op vs the CPU backend (CudaParityTest must RUN, not skip, here)
#   4. llava-tiny    forward + greedy generate of the llava-tiny fixture on --device cuda   (when the CLI has it)
#   5. llava-train   one training step vs the llava-train fixture on --device cuda          (when the CLI has it)
#   6. gemm          BF16 8192^3 TFLOP/s: llava4j (cuBLAS via the backend) vs torch.matmul, same run
#   7. train step    bench-config train step: llava4j vs PyTorch eager                      (Java side when the CLI has it)
#   8. decode        tokens/s of a 7B-shaped random LLaMA: llava4j vs transformers generate (Java side when the CLI has it)
# Steps whose Java entry point does not exist yet report PENDING (and the PyTorch number alone), not FAIL.
#
# Usage: bench/gpu-check.sh             environment knobs:
#   MVN_FLAGS="-o -Dmaven.repo.local=/path/m2"   offline build from a carried Maven repository (no network there)
#   SKIP_BUILD=1                                 reuse an existing build
#   PYTHON=python3                               interpreter with torch + transformers
#   GPU_CHECK_OUT=target/gpu-check               logs and JSON results
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${GPU_CHECK_OUT:-$ROOT/target/gpu-check}"
PY="${PYTHON:-python3}"
MVN_FLAGS="${MVN_FLAGS:-}"
BUDGET_S=470
START_S=$SECONDS
FIXTURES="$ROOT/llava/src/test/resources/fixtures"
mkdir -p "$OUT"

# a JDK >= 25 for ./mvnw and java (the launcher's rule): JAVA_HOME if it qualifies, else /usr/lib/jvm/*
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" || "$(java_major "$JAVA_HOME/bin/java")" -lt 25 ]]; then
    for d in /usr/lib/jvm/*; do
        if [[ -x "$d/bin/javac" && "$(java_major "$d/bin/java")" -ge 25 ]]; then export JAVA_HOME="$d"; break; fi
    done
fi
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" ]]; then
    echo "gpu-check: no JDK 25+ found (set JAVA_HOME); nothing Java can run" >&2
    exit 2
fi
export PATH="$JAVA_HOME/bin:$PATH"

NAMES=(); STATES=(); NOTES=()
record() { NAMES+=("$1"); STATES+=("$2"); NOTES+=("$3"); echo "== $1: $2 $3"; }
left() { echo $(( BUDGET_S - (SECONDS - START_S) )); }

# run_step NAME LIMIT_S CMD...: runs with a timeout capped by the remaining budget; log in $OUT/NAME.log.
# Returns the command's status (124 = timed out); never exits the script.
run_step() {
    local name="$1" limit="$2"; shift 2
    local remaining; remaining="$(left)"
    if (( remaining < 15 )); then
        echo "time budget exhausted before $name" > "$OUT/$name.log"
        return 124
    fi
    (( limit > remaining )) && limit=$remaining
    local rc=0
    timeout --kill-after=10 "$limit" "$@" > "$OUT/$name.log" 2>&1 || rc=$?
    return "$rc"
}

tail_log() { tail -n "${2:-15}" "$OUT/$1.log" | sed 's/^/    | /'; }

json_field() { # FILE FIELD: the numeric FIELD of the last JSON line in FILE that has it
    "$PY" - "$1" "$2" <<'PY' 2>/dev/null || echo ""
import json, sys
val = ""
for line in open(sys.argv[1], errors="replace"):
    line = line.strip()
    if line.startswith("{"):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if sys.argv[2] in d:
            val = d[sys.argv[2]]
print(val)
PY
}

ratio() { "$PY" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}x')" "$1" "$2" 2>/dev/null || echo "n/a"; }

# ------------------------------------------------------------------------------------------------ 1. environment
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi failed"
    nvcc --version | tail -n 2 || echo "nvcc not on PATH"
    "$PY" -c "import torch, transformers; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'transformers', transformers.__version__, 'gpu', torch.cuda.get_device_name(0))" \
        || echo "PyTorch/transformers not importable with $PY"
    java -version 2>&1 | head -n 1 || true
} > "$OUT/environment.log" 2>&1
record environment INFO "$(head -n 1 "$OUT/environment.log")"
TORCH_OK=0
"$PY" -c "import torch, transformers; assert torch.cuda.is_available()" 2>/dev/null && TORCH_OK=1

# ------------------------------------------------------------------------------------------------ 2. build
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
    record build SKIP "SKIP_BUILD=1"
elif run_step build 240 ./mvnw -B -q $MVN_FLAGS -DskipTests -pl tensor,backend-cpu,backend-gpu -am install; then
    record build PASS "$(( SECONDS - START_S ))s elapsed"
else
    record build FAIL "see $OUT/build.log"; tail_log build
fi

# ------------------------------------------------------------------------------------------------ 3. GPU tests
if run_step gpu-tests 180 ./mvnw -B $MVN_FLAGS -pl backend-gpu surefire:test; then
    REPORT="backend-gpu/target/surefire-reports/TEST-dev.llava4j.backend.cuda.CudaParityTest.xml"
    summary="$("$PY" - "$REPORT" <<'PY' 2>/dev/null || echo "no report"
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
print(f"parity tests={s.get('tests')} failures={s.get('failures')} errors={s.get('errors')} skipped={s.get('skipped')}")
PY
)"
    if [[ "$summary" == *"skipped=0"* ]]; then
        record gpu-tests PASS "$summary"
    else
        record gpu-tests FAIL "$summary (the parity suite must run on a GPU machine)"; tail_log gpu-tests
    fi
else
    record gpu-tests FAIL "see $OUT/gpu-tests.log"; tail_log gpu-tests 30
fi

# ------------------------------------------------------------------------------------------------ 4./5. fixtures on CUDA
# whether a CLI command declares --device (read from the sources: asking the launcher would build the whole CLI)
cli_has_device() { grep -qs -- '"--device"' "cli/src/main/java/dev/llava4j/cli/$1Command.java"; }
if cli_has_device Generate; then
    if run_step llava-tiny 60 ./llava4j generate --device cuda --model "$FIXTURES/llava-tiny" \
            --image "$FIXTURES/llava-tiny/image.png" --prompt "What is in the image?" --max-new-tokens 8; then
        record llava-tiny PASS "$(tail -n 1 "$OUT/llava-tiny.log")"
    else
        record llava-tiny FAIL "see $OUT/llava-tiny.log"; tail_log llava-tiny
    fi
else
    record llava-tiny PENDING "the CLI has no --device option yet (tensor frontend cannot allocate on CUDA)"
fi
if cli_has_device Train; then
    if run_step llava-train 90 ./mvnw -B -q $MVN_FLAGS -pl llava surefire:test -Dtest='*Train*Cuda*' -Dllava4j.device=cuda; then
        record llava-train PASS "training step matches the llava-train fixture on CUDA"
    else
        record llava-train FAIL "see $OUT/llava-train.log"; tail_log llava-train
    fi
else
    record llava-train PENDING "the CLI has no --device option yet"
fi

# ------------------------------------------------------------------------------------------------ 6. BF16 GEMM
GEMM_N=8192
if run_step gemm-torch 60 "$PY" - "$GEMM_N" <<'PY'
import json, sys, torch
n = int(sys.argv[1])
a = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
b = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
for _ in range(3):
    torch.matmul(a, b)
torch.cuda.synchronize()
reps = 20
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
start.record()
for _ in range(reps):
    torch.matmul(a, b)
end.record(); torch.cuda.synchronize()
ms = start.elapsed_time(end) / reps
print(json.dumps({"bench": "gemm_bf16", "impl": "torch.matmul", "n": n, "ms_per_gemm": round(ms, 3),
                  "tflops": round(2 * n ** 3 / (ms / 1e3) / 1e12, 1)}))
PY
then TORCH_TF="$(json_field "$OUT/gemm-torch.log" tflops)"; else TORCH_TF=""; fi
CP_FILE="$OUT/test-classpath.txt"
if run_step classpath 60 ./mvnw -B -q $MVN_FLAGS -pl backend-gpu dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" \
    && run_step gemm-java 90 java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
        -Dorg.lwjgl.system.SharedLibraryExtractPath="$OUT/lwjgl" \
        -cp "backend-gpu/target/test-classes:backend-gpu/target/classes:$(cat "$CP_FILE" 2>/dev/null)" \
        dev.llava4j.backend.cuda.CudaGemmBench "$GEMM_N" 20; then
    JAVA_TF="$(json_field "$OUT/gemm-java.log" tflops)"
    if [[ -n "$TORCH_TF" ]]; then
        record gemm PASS "llava4j $JAVA_TF TFLOP/s vs torch.matmul $TORCH_TF TFLOP/s = $(ratio "$JAVA_TF" "$TORCH_TF")"
    else
        record gemm PASS "llava4j $JAVA_TF TFLOP/s (PyTorch unavailable: see gemm-torch.log)"
    fi
else
    record gemm FAIL "torch ${TORCH_TF:-?} TFLOP/s; Java side failed, see $OUT/gemm-java.log / classpath.log"
    tail_log gemm-java
fi

# ------------------------------------------------------------------------------------------------ 7. train step
# bench config: LLaMA-style decoder, hidden 1024, 8 layers, 16 heads, MLP 2816, vocab 32064, batch 4 x 512 tokens,
# BF16 autocast with F32 master weights and AdamW (the Java side must use the same numbers when it exists).
if (( TORCH_OK )) && run_step train-torch 90 "$PY" <<'PY'
import json, time, torch
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0)
cfg = LlamaConfig(hidden_size=1024, intermediate_size=2816, num_hidden_layers=8, num_attention_heads=16,
                  num_key_value_heads=16, vocab_size=32064, max_position_embeddings=2048)
model = LlamaForCausalLM(cfg).cuda().train()
opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
ids = torch.randint(0, cfg.vocab_size, (4, 512), device="cuda")
def step():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        loss = model(input_ids=ids, labels=ids).loss
    loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
for _ in range(3):
    step()
torch.cuda.synchronize(); t0 = time.perf_counter(); reps = 10
for _ in range(reps):
    step()
torch.cuda.synchronize(); ms = (time.perf_counter() - t0) * 1e3 / reps
print(json.dumps({"bench": "train_step", "impl": "pytorch-eager", "ms_per_step": round(ms, 2),
                  "tokens_per_s": round(4 * 512 / (ms / 1e3))}))
PY
then TORCH_STEP="$(json_field "$OUT/train-torch.log" ms_per_step)"; else TORCH_STEP=""; fi
if cli_has_device Train; then
    record train-step PENDING "Java bench-config train step not wired into this script yet; PyTorch eager ${TORCH_STEP:-?} ms/step"
else
    record train-step PENDING "Java side needs --device cuda; PyTorch eager ${TORCH_STEP:-?} ms/step"
fi

# ------------------------------------------------------------------------------------------------ 8. decode
if (( TORCH_OK )) && run_step decode-torch 150 "$PY" <<'PY'
import json, time, torch
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0)
# the LLM of LLaVA-1.5-7B (Vicuna-7B shape), random BF16 weights created on the GPU
cfg = LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                  num_key_value_heads=32, vocab_size=32064, max_position_embeddings=4096)
with torch.device("cuda"):
    model = LlamaForCausalLM(cfg).to(torch.bfloat16).eval()
prompt = torch.randint(3, 32000, (1, 64), device="cuda")
new = 128
with torch.no_grad():
    model.generate(prompt, max_new_tokens=8, min_new_tokens=8, do_sample=False)
    torch.cuda.synchronize(); t0 = time.perf_counter()
    model.generate(prompt, max_new_tokens=new, min_new_tokens=new, do_sample=False)
    torch.cuda.synchronize(); dt = time.perf_counter() - t0
print(json.dumps({"bench": "decode_7b", "impl": "transformers-generate", "new_tokens": new,
                  "tokens_per_s": round(new / dt, 1)}))
PY
then TORCH_TPS="$(json_field "$OUT/decode-torch.log" tokens_per_s)"; else TORCH_TPS=""; fi
if cli_has_device BenchGenerate; then
    record decode PENDING "Java 7B decode not wired into this script yet; transformers ${TORCH_TPS:-?} tokens/s"
else
    record decode PENDING "Java side needs --device cuda; transformers generate ${TORCH_TPS:-?} tokens/s"
fi

# ------------------------------------------------------------------------------------------------ summary
echo
echo "llava4j GPU check ($(( SECONDS - START_S )) s), logs in $OUT"
printf '%-12s %-8s %s\n' STEP STATE DETAIL
printf '%-12s %-8s %s\n' ------------ -------- ------------------------------------------------------------
failed=0
for i in "${!NAMES[@]}"; do
    printf '%-12s %-8s %s\n' "${NAMES[$i]}" "${STATES[$i]}" "${NOTES[$i]}"
    [[ "${STATES[$i]}" == FAIL ]] && failed=1
done
exit "$failed"
