#!/usr/bin/env bash
# GPU check for llava4j on a machine with an NVIDIA GPU (written for an H100, CUDA 13, nvcc, PyTorch 2.11 and
# transformers). One run, under 8 minutes, prints a summary table and exits non-zero if any step FAILED:
#   1. environment   nvidia-smi / nvcc / torch versions
#   2. build         ./mvnw install of the CLI and the modules it needs (tests skipped): the runnable jar
#   3. gpu tests     backend-gpu tests: kernels compiled by nvcc for sm_80/sm_90 (-Werror), NVRTC at run time,
#                    every Backend SPI op vs the CPU backend (CudaParityTest must RUN, not skip, here)
#   4. llava-tiny    forward (logits vs the transformers fixture) + greedy generate (ids vs the fixture), --device cuda
#   5. llava-train   two stage-2 training steps on --device cuda vs the same steps on the CPU (loss, grad norm)
#   6. gemm          BF16 8192^3 TFLOP/s: llava4j (cuBLAS via the backend) vs torch.matmul, same run
#   7. train step    LLaMA 1024x8 train step, batch 4 x 512: llava4j (F32, bench train-step) vs PyTorch eager (BF16 autocast);
#                    again with TF32 GEMMs and the per-op profile, and with BF16 parameters (F32 master weights)
#   8. decode        tokens/s of a random LLaVA-1.5-7B (BF16): llava4j bench generate vs transformers generate (LLM only)
# Step 8's Java side writes a 14 GB random checkpoint under $GPU_CHECK_OUT once (reused by later runs) and is
# skipped, not failed, when less than 3 minutes of the budget are left.
#
# Usage: bench/gpu-check.sh             environment knobs:
#   MVN_FLAGS="-o -Dmaven.repo.local=/path/m2"   offline build from a carried Maven repository (no network there)
#   SKIP_BUILD=1                                 reuse an existing build
#   PYTHON=python3                               interpreter with torch + transformers
#   GPU_CHECK_OUT=target/gpu-check               logs and JSON results
#   GPU_CHECK_STAGE=DIR                          a build staged by bench/gpu-stage.sh (machines without JDK/Maven)
#   GPU_CHECK_BUDGET_S=470                       the time budget of all steps together
#   GPU_CHECK_7B=DIR                             an existing llava-1.5-7b(-hf) checkpoint for step 8 (else random)
set -uo pipefail   # no -e: a failing step is recorded, and the later steps still run

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${GPU_CHECK_OUT:-$ROOT/target/gpu-check}"
PY="${PYTHON:-python3}"
MVN_FLAGS="${MVN_FLAGS:-}"
BUDGET_S="${GPU_CHECK_BUDGET_S:-470}"
START_S=$SECONDS
FIXTURES="$ROOT/llava/src/test/resources/fixtures"
mkdir -p "$OUT"

STAGE="${GPU_CHECK_STAGE:-}"
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
if [[ -n "$STAGE" ]]; then
    # a build staged by bench/gpu-stage.sh: its Java runtime, CLI jar and test classpath; no JDK or Maven needed
    SKIP_BUILD=1
    export JAVA_HOME=/tmp/llava4j-jre/jre
    [[ -x "$JAVA_HOME/bin/java" ]] || { mkdir -p /tmp/llava4j-jre && tar -C /tmp/llava4j-jre -xJf "$STAGE/jre.txz"; }
    mkdir -p cli/target && cp "$STAGE/llava4j.jar" cli/target/llava4j.jar
    stage_abs="$(cd "$STAGE" && pwd)"
    TEST_CP="$stage_abs/test-classes:$stage_abs/classes:$(printf '%s:' "$stage_abs"/lib/*.jar)"
else
    # a JDK >= 25 for ./mvnw and java (the launcher's rule): JAVA_HOME if it qualifies, else /usr/lib/jvm/*
    if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" || "$(java_major "$JAVA_HOME/bin/java")" -lt 25 ]]; then
        for d in /usr/lib/jvm/*; do
            if [[ -x "$d/bin/javac" && "$(java_major "$d/bin/java")" -ge 25 ]]; then export JAVA_HOME="$d"; break; fi
        done
    fi
    if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" ]]; then
        echo "gpu-check: no JDK 25+ found (set JAVA_HOME, or stage a build with bench/gpu-stage.sh); nothing Java can run" >&2
        exit 2
    fi
    TEST_CP=""
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

tail_log() { { tail -n "${2:-15}" "$OUT/$1.log" 2>/dev/null || true; } | sed 's/^/    | /'; }

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
    LLAVA4J_NO_BUILD=1 ./llava4j info 2>&1 | grep -v '^WARNING: Using incubator' || true
    ls -d /usr/local/cuda*/lib64/libcublas.so* /usr/local/cuda*/lib64/libnvrtc.so* 2>/dev/null || echo "no cuBLAS/NVRTC under /usr/local/cuda*"
} > "$OUT/environment.log" 2>&1
record environment INFO "$(head -n 1 "$OUT/environment.log")"
TORCH_OK=0
"$PY" -c "import torch, transformers; assert torch.cuda.is_available()" 2>/dev/null && TORCH_OK=1

# ------------------------------------------------------------------------------------------------ 2. build
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
    record build SKIP "SKIP_BUILD=1"
elif run_step build 240 ./mvnw -B -q $MVN_FLAGS -DskipTests -pl cli -am install; then
    record build PASS "$(( SECONDS - START_S ))s elapsed"
else
    record build FAIL "see $OUT/build.log"; tail_log build
fi

# ------------------------------------------------------------------------------------------------ 3. GPU tests
# the backend-gpu test classpath: staged, or asked of Maven after the build
if [[ -z "$TEST_CP" ]] && run_step classpath 60 ./mvnw -B -q $MVN_FLAGS -pl backend-gpu \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$OUT/test-classpath.txt"; then
    TEST_CP="backend-gpu/target/test-classes:backend-gpu/target/classes:$(cat "$OUT/test-classpath.txt")"
fi
JAVA_TEST=(java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx8g
           -Dorg.lwjgl.system.SharedLibraryExtractPath="$OUT/lwjgl" -cp "$TEST_CP")
# every test of the module (kernel compile check with nvcc, NVRTC, allocator, parity of every SPI op vs the CPU)
if run_step gpu-tests 180 "${JAVA_TEST[@]}" dev.llava4j.backend.cuda.GpuTestMain; then
    summary="$(grep '^tests=' "$OUT/gpu-tests.log" | tail -n 1)"
    parity_skips="$(grep -c '^SKIP CudaParityTest' "$OUT/gpu-tests.log" || true)"
    if [[ -n "$summary" && "$parity_skips" == 0 ]]; then
        record gpu-tests PASS "$summary"
    else
        record gpu-tests FAIL "${summary:-no summary}; $parity_skips parity tests skipped (they must run on a GPU machine)"
        tail_log gpu-tests
    fi
else
    record gpu-tests FAIL "$(grep '^tests=' "$OUT/gpu-tests.log" | tail -n 1) see $OUT/gpu-tests.log"
    { grep -A3 '^FAIL' "$OUT/gpu-tests.log" || true; } | awk 'NR <= 60' | sed 's/^/    | /'
fi

# ------------------------------------------------------------------------------------------------ 4./5. fixtures on CUDA
# the CLI through its launcher, never rebuilding (step 2 built the jar; the launcher's own build would go online);
# an array, not a function, because run_step hands it to timeout(1)
CLI=(env LLAVA4J_NO_BUILD=1 ./llava4j)

# safetensors_diff A KEY_A B KEY_B: max |a - b| of two F32 tensors of equal size (stdlib only: no torch needed)
safetensors_diff() {
    "$PY" - "$@" <<'PY' 2>&1
import json, struct, sys
def read(path, key):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        e = json.loads(f.read(n))[key]
        assert e["dtype"] == "F32", e["dtype"]
        f.seek(8 + n + e["data_offsets"][0])
        b = f.read(e["data_offsets"][1] - e["data_offsets"][0])
    return struct.unpack("<%df" % (len(b) // 4), b)
a, b = read(sys.argv[1], sys.argv[2]), read(sys.argv[3], sys.argv[4])
assert len(a) == len(b), (len(a), len(b))
print(max(abs(x - y) for x, y in zip(a, b)))
PY
}

TINY="$FIXTURES/llava-tiny"
TINY_IDS="1,297,56,207,640,375,282,236,157,33"      # in.input_ids of the fixture
TINY_NEW="[305,306,408,591,493,206,362,591]"          # gen.new_tokens: transformers' greedy ids for that prompt
if run_step llava-tiny-forward 60 "${CLI[@]}" forward --device cuda --model "$TINY" --image "$TINY/image.png" \
        --input-ids "$TINY_IDS" --out "$OUT/llava-tiny-forward.safetensors" \
    && run_step llava-tiny-generate 60 "${CLI[@]}" generate --device cuda --model "$TINY" --image "$TINY/image.png" \
        --input-ids "$TINY_IDS" --max-new-tokens 8 --json; then
    diff_logits="$(safetensors_diff "$OUT/llava-tiny-forward.safetensors" logits "$TINY/expected.safetensors" out.logits)"
    ids="$(grep -o '"ids":\[[0-9,]*\]' "$OUT/llava-tiny-generate.log" | awk 'NR == 1' | cut -d: -f2)"
    # 1e-3: the fixture's 1e-4 CPU tolerance with room for TF32/reordered GPU reductions
    if [[ "$ids" == "$TINY_NEW" ]] && "$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-3 else 1)" "$diff_logits" 2>/dev/null; then
        record llava-tiny PASS "logits max|diff| $diff_logits vs transformers; greedy ids $ids"
    else
        record llava-tiny FAIL "logits max|diff| $diff_logits (limit 1e-3); ids ${ids:-none} vs $TINY_NEW"
        tail_log llava-tiny-generate
    fi
else
    record llava-tiny FAIL "see $OUT/llava-tiny-forward.log / llava-tiny-generate.log"
    tail_log llava-tiny-forward; tail_log llava-tiny-generate
fi

# the llava-train weights with the fixture tokenizer beside them (train reads the tokenizer from --model)
TRAIN_MODEL="$OUT/llava-train-model"
rm -rf "$TRAIN_MODEL" "$OUT/train-cpu" "$OUT/train-cuda"
mkdir -p "$TRAIN_MODEL"
ln -s "$FIXTURES"/llava-train/* "$TRAIN_MODEL"/
ln -s "$FIXTURES"/tokenizer/{tokenizer.model,tokenizer_config.json,special_tokens_map.json,added_tokens.json} "$TRAIN_MODEL"/
# two stage-2 steps (language model + projector, clipping at 1.0; no warmup, so step 2's loss sees step 1's AdamW
# update) on each device
TRAIN_ARGS=(--stage 2 --model "$TRAIN_MODEL" --data "$FIXTURES/llava-data/data.json" --image-folder "$FIXTURES/llava-data"
            --max-steps 2 --batch-size 2 --workers 1 --seed 7 --no-shuffle --warmup-ratio 0)
if run_step llava-train-cpu 90 "${CLI[@]}" train --device cpu "${TRAIN_ARGS[@]}" --output "$OUT/train-cpu" \
    && run_step llava-train-cuda 90 "${CLI[@]}" train --device cuda "${TRAIN_ARGS[@]}" --output "$OUT/train-cuda"; then
    verdict="$("$PY" - "$OUT/train-cpu/metrics.jsonl" "$OUT/train-cuda/metrics.jsonl" <<'PY' 2>&1
import json, sys
cpu, gpu = ([json.loads(l) for l in open(p) if l.strip()] for p in sys.argv[1:3])
assert len(cpu) == len(gpu) == 2, (len(cpu), len(gpu))
worst = max(abs(a[k] - b[k]) / max(abs(a[k]), 1e-12) for a, b in zip(cpu, gpu) for k in ("loss", "grad_norm"))
print(("OK" if worst <= 1e-3 else "BAD") + f" losses cpu {[r['loss'] for r in cpu]} cuda {[r['loss'] for r in gpu]}, worst rel diff {worst:.2e}")
PY
)"
    if [[ "$verdict" == OK* ]]; then
        record llava-train PASS "${verdict#OK }"
    else
        record llava-train FAIL "$verdict (limit 1e-3 relative)"
    fi
else
    record llava-train FAIL "see $OUT/llava-train-cpu.log / llava-train-cuda.log"; tail_log llava-train-cuda
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
if run_step gemm-java 90 "${JAVA_TEST[@]}" dev.llava4j.backend.cuda.CudaGemmBench "$GEMM_N" 20; then
    JAVA_TF="$(json_field "$OUT/gemm-java.log" tflops)"
    if [[ -n "$TORCH_TF" ]]; then
        record gemm PASS "llava4j $JAVA_TF TFLOP/s vs torch.matmul $TORCH_TF TFLOP/s = $(ratio "$JAVA_TF" "$TORCH_TF")"
    else
        record gemm PASS "llava4j $JAVA_TF TFLOP/s (PyTorch unavailable: see gemm-torch.log)"
    fi
else
    record gemm FAIL "torch ${TORCH_TF:-?} TFLOP/s; Java side failed, see $OUT/gemm-java.log"
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
# the Java side: the same decoder (a tiny 2-patch vision tower in front, 4 of the 512 positions), F32 weights
cat > "$OUT/train-step-config.json" <<'JSON'
{"architectures": ["LlavaForConditionalGeneration"], "ignore_index": -100, "image_token_index": 32000,
 "model_type": "llava", "projector_hidden_act": "gelu",
 "text_config": {"hidden_size": 1024, "intermediate_size": 2816, "max_position_embeddings": 2048, "model_type": "llama",
                 "num_attention_heads": 16, "num_hidden_layers": 8, "num_key_value_heads": 16, "rms_norm_eps": 1e-06,
                 "vocab_size": 32064},
 "vision_config": {"hidden_size": 64, "image_size": 28, "intermediate_size": 128, "model_type": "clip_vision_model",
                   "num_attention_heads": 2, "num_hidden_layers": 2, "patch_size": 14, "projection_dim": 64},
 "vision_feature_layer": -2, "vision_feature_select_strategy": "default"}
JSON
if run_step train-java 120 "${CLI[@]}" bench train-step --device cuda --config "$OUT/train-step-config.json" --batch 4 \
        --text-tokens 508 --reps 5 --warmup 2 --json; then
    JAVA_STEP="$(json_field "$OUT/train-java.log" ms_per_step)"
    if [[ -n "$TORCH_STEP" && -n "$JAVA_STEP" ]]; then
        record train-step PASS "llava4j $JAVA_STEP ms/step (F32) vs PyTorch eager $TORCH_STEP ms/step (BF16 autocast) = $(ratio "$TORCH_STEP" "$JAVA_STEP") of PyTorch's speed"
    else
        record train-step PASS "llava4j ${JAVA_STEP:-?} ms/step (F32); PyTorch eager ${TORCH_STEP:-?} ms/step"
    fi
else
    record train-step FAIL "PyTorch eager ${TORCH_STEP:-?} ms/step; Java side failed, see $OUT/train-java.log"; tail_log train-java
fi
# the same step with TF32 tensor-core GEMMs (-Dllava4j.cuda.tf32=true), then once more with the per-op time profile
# (each op synchronised, so its ms/step is not comparable; the table is in the log)
TF32=(env LLAVA4J_JAVA_OPTS="-Dllava4j.cuda.tf32=true" "${CLI[@]}" bench train-step --device cuda
      --config "$OUT/train-step-config.json" --batch 4 --text-tokens 508 --warmup 2 --json)
if run_step train-java-tf32 90 "${TF32[@]}" --reps 5; then
    TF32_STEP="$(json_field "$OUT/train-java-tf32.log" ms_per_step)"
    run_step train-java-profile 90 "${TF32[@]}" --reps 2 --profile
    record train-tf32 INFO "llava4j ${TF32_STEP:-?} ms/step with TF32 GEMMs = $(ratio "${TORCH_STEP:-0}" "${TF32_STEP:-1}") of PyTorch's speed; per-op profile in $OUT/train-java-profile.log"
else
    record train-tf32 FAIL "see $OUT/train-java-tf32.log"; tail_log train-java-tf32
fi
# BF16 parameters (tensor-core GEMMs) with F32 master weights and moments in AdamW: the closest to PyTorch's autocast
if run_step train-java-bf16 90 "${CLI[@]}" bench train-step --device cuda --dtype bf16 --config "$OUT/train-step-config.json" \
        --batch 4 --text-tokens 508 --warmup 2 --reps 5 --json; then
    BF16_STEP="$(json_field "$OUT/train-java-bf16.log" ms_per_step)"
    record train-bf16 INFO "llava4j ${BF16_STEP:-?} ms/step with BF16 parameters = $(ratio "${TORCH_STEP:-0}" "${BF16_STEP:-1}") of PyTorch's speed"
else
    record train-bf16 FAIL "see $OUT/train-java-bf16.log"; tail_log train-java-bf16
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
CKPT_7B="${GPU_CHECK_7B:-$OUT/llava-7b-random}"
if (( $(left) < 180 )); then
    record decode SKIP "under 3 minutes of budget left for the Java 7B run; transformers generate ${TORCH_TPS:-?} tokens/s"
elif { [[ -f "$CKPT_7B/config.json" ]] || run_step make-7b 150 "${CLI[@]}" make-random-checkpoint --config 7b --dtype bf16 --out "$CKPT_7B"; } \
    && run_step decode-java 180 "${CLI[@]}" bench generate --device cuda --model "$CKPT_7B" --image "$FIXTURES/llava-tiny/image.png" \
        --max-new-tokens 128 --json; then
    JAVA_TPS="$(json_field "$OUT/decode-java.log" decode_tokens_per_s)"
    record decode PASS "llava4j ${JAVA_TPS:-?} tokens/s (LLaVA-7B, image prompt) vs transformers generate ${TORCH_TPS:-?} tokens/s (LLM, 64-token prompt) = $(ratio "${JAVA_TPS:-0}" "${TORCH_TPS:-1}")"
else
    record decode FAIL "transformers ${TORCH_TPS:-?} tokens/s; Java side failed, see $OUT/make-7b.log / decode-java.log"
    tail_log decode-java
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
