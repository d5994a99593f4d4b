package dev.llava4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.llava.model.CausalLmLoss;
import dev.llava4j.llava.model.LlavaConfig;
import dev.llava4j.llava.model.LlavaForConditionalGeneration;
import dev.llava4j.llava.model.MergedBatch;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.Optimizer;
import dev.llava4j.nn.optim.ParamGroup;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.OpProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j bench train-step}: the workload of shared/bench/torch_llava.py's train-step on the same model
 * config — a batch of [BOS, image, text] sequences, loss on the second half of the text, forward + backward +
 * AdamW(lr 1e-4) over every parameter — timed as the median of --reps steps after --warmup steps.
 */
@Command(name = "train-step", description = "Time one full training step of a LLaVA config (PyTorch peer: torch_llava.py).")
public final class BenchTrainStepCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "bench/bench-config.json", description = "LlavaConfig json (default ${DEFAULT-VALUE}).")
    Path config;
    @Option(names = "--batch", defaultValue = "2")
    int batch;
    @Option(names = "--text-tokens", defaultValue = "128")
    int textTokens;
    @Option(names = "--reps", defaultValue = "9")
    int reps;
    @Option(names = "--warmup", defaultValue = "2")
    int warmup;
    @Option(names = "--threads")
    Integer threads;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--json")
    boolean json;
    @Option(names = "--profile", description = "Print the time spent per backend operation over the timed steps (stderr)."
            + " On cuda the kernels are asynchronous, so this shows launch time, not kernel time.")
    boolean profile;
    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16",
            description = "Parameter dtype: bf16 computes in BF16 with F32 master weights and moments in the optimizer (default ${DEFAULT-VALUE}).")
    String dtype;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        DType paramDtype = ModelOptions.parseDtype(dtype);
        Device device = deviceOption.resolve();
        LlavaConfig cfg = LlavaConfig.fromJson(new ObjectMapper().readTree(config.toFile()), config.toString(), null);
        Generator g = new Generator(seed);
        LlavaForConditionalGeneration model = new LlavaForConditionalGeneration(cfg, Init.normal(g, 0.02));
        if (paramDtype != DType.F32) {
            model.to(paramDtype); // the optimizer keeps F32 master copies of these
        }
        model.to(device); // initialised on the host (one generator stream on every device), then moved
        Optimizer opt = new AdamW(List.of(ParamGroup.of(model, 1e-4, 0.0)));
        int vocab = cfg.text().vocabSize();
        long[][] ids = new long[batch][textTokens + 1];
        long[][] labels = new long[batch][textTokens + 1];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < ids[b].length; i++) {
                long id = 3 + g.nextInt(vocab - 3);
                ids[b][i] = id == cfg.imageTokenIndex() ? 3 : id;
            }
            ids[b][0] = 1;
            ids[b][1] = cfg.imageTokenIndex();
            labels[b] = ids[b].clone();
            Arrays.fill(labels[b], 0, textTokens / 2 + 1, cfg.ignoreIndex());
        }
        int s = cfg.vision().imageSize();
        Tensor pixels = Tensor.randn(g, batch, cfg.vision().numChannels(), s, s);
        OpProfiler profiler = new OpProfiler();
        Backends.Handle profiling = profile ? Backends.use(profiler.wrap(Backends.forDevice(device))) : null;
        double[] ms = new double[reps];
        double first = Double.NaN;
        double last = Double.NaN;
        for (int r = -warmup; r < reps; r++) {
            if (r == 0) {
                profiler.reset();
            }
            long t0 = System.nanoTime();
            double loss;
            try (TensorScope scope = TensorScope.open()) {
                opt.clearGrads(); // zero_grad(set_to_none=True), as the PyTorch peer
                MergedBatch mb = MergedBatch.build(model.languageModel(), ids, labels, model.imageFeatures(pixels),
                        cfg.imageTokenIndex(), cfg.ignoreIndex(), MergedBatch.Padding.RIGHT);
                Tensor l = CausalLmLoss.ofHidden(model.languageModel(), model.hidden(mb, null), mb.labelTensor(),
                        cfg.ignoreIndex());
                l.backward();
                opt.step();
                loss = l.item(); // a host read: on a GPU it also waits for the step's kernels, so the timing is whole
            }
            if (Double.isNaN(first)) {
                first = loss;
            }
            last = loss;
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        if (profiling != null) {
            profiling.close();
            System.err.printf("backend time over %d steps: %.1f ms of %.1f ms wall%n%s", reps,
                    profiler.totalNanos() / 1e6, Arrays.stream(ms).sum(), profiler.table(25));
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[reps / 2];
        int seq = cfg.imageTokens() + textTokens;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("engine", "llava4j");
        line.put("bench", "train-step");
        line.put("dtype", paramDtype.name().toLowerCase(java.util.Locale.ROOT));
        line.put("device", device.name().toLowerCase(java.util.Locale.ROOT));
        line.put("threads", Parallel.threads());
        line.put("reps", reps);
        line.put("warmup", warmup);
        line.put("config", config.getFileName().toString());
        line.put("params", model.parameterCount());
        line.put("prune_vision", true);
        line.put("batch", batch);
        line.put("seq", seq);
        line.put("image_tokens", cfg.imageTokens());
        line.put("text_tokens", textTokens);
        line.put("ms_per_step", Math.round(median * 1000) / 1000.0);
        line.put("tokens_per_s", Math.round(batch * seq / (median / 1e3) * 100) / 100.0);
        line.put("first_loss", first);
        line.put("last_loss", last);
        line.put("min_ms", Math.round(sorted[0] * 1000) / 1000.0);
        line.put("max_ms", Math.round(sorted[reps - 1] * 1000) / 1000.0);
        System.out.println(json ? JsonText.write(line) : line.toString());
        return 0;
    }
}
