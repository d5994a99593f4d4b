package dev.llava4j.cli;

import dev.llava4j.backend.cpu.Parallel;
import dev.llava4j.backend.cpu.kernel.StreamRead;
import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.GenerationResult;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j bench generate}: load time, image encoding, prefill and decode speed, peak RSS of one greedy
 * generation (EOS ignored so that exactly --max-new-tokens are produced), after --warmup untimed text-only
 * generations: the Vector API kernels run 5-20x slower until C2 has compiled them (one attention call over a 600-token
 * KV cache took 7 ms cold and 1 ms warm), and the PyTorch peer (torch_llava.py) warms up too.
 */
@Command(name = "generate", description = "Time load, image encoding, prefill and decode of one generation.")
public final class BenchGenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--image", required = true, paramLabel = "FILE")
    Path image;

    @Option(names = "--prompt", defaultValue = "Describe this image in detail.")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "32")
    int maxNewTokens;

    @Option(names = "--threads", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "1",
            description = "Untimed text-only generations of --max-new-tokens tokens before the timed one (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "One JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (warmup < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--warmup must be >= 0, got " + warmup);
        }
        Device device = deviceOption.resolve();
        long t0 = System.nanoTime();
        try (LlavaModel model = modelOptions.load(); GradMode.Guard ng = GradMode.noGrad()) {
            model.to(device); // part of load_ms: the copy to device memory
            long loadNs = System.nanoTime() - t0;
            RgbImage img = ImageLoader.load(image);
            GenerationOptions opts = GenerationOptions.greedy(maxNewTokens).withStopAtEos(false);
            TextGenerator generator = new TextGenerator(model.module(), model.tokenizer());
            long[] warmIds = model.tokenize(model.prompt(prompt, false));
            for (int w = 0; w < warmup; w++) {
                generator.generate(new long[][]{warmIds}, null, opts, TokenListener.NONE);
            }
            long t1 = System.nanoTime();
            Tensor features = model.imageFeatures(List.of(img));
            features.getDouble(0, 0, 0); // device kernels run asynchronously: reading one value waits for them
            long encodeNs = System.nanoTime() - t1;
            long[] ids = model.tokenize(model.prompt(prompt, true));
            GenerationResult r = generator.generate(new long[][]{ids}, features, opts, TokenListener.NONE).get(0);
            int decoded = Math.max(r.ids().length - 1, 1);
            double prefillMs = r.prefillNanos() / 1e6;
            double decodeMsPerToken = r.decodeNanos() / 1e6 / decoded;
            long weightBytes = checkpointBytes(modelOptions.model);
            long llmBytes = weightBytesReadPerToken(model.module().languageModel().stateDict());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("engine", "llava4j");
            line.put("bench", "generate");
            line.put("device", device.name().toLowerCase(java.util.Locale.ROOT));
            line.put("threads", Parallel.threads());
            line.put("warmup", warmup);
            line.put("model", modelOptions.model.toString());
            line.put("load_ms", round(loadNs / 1e6));
            line.put("image_encode_ms", round(encodeNs / 1e6));
            line.put("prefill_tokens", r.promptPositions());
            line.put("prefill_ms", round(prefillMs));
            line.put("prefill_tokens_per_s", round(r.promptPositions() / (prefillMs / 1e3)));
            line.put("new_tokens", r.ids().length);
            line.put("decode_ms_per_token", round(decodeMsPerToken));
            line.put("decode_tokens_per_s", round(1e3 / decodeMsPerToken));
            double decodeGbPerS = llmBytes / 1e9 / (decodeMsPerToken / 1e3);
            line.put("decode_weight_gb_per_s", round(decodeGbPerS));
            if (device == Device.CPU) {
                double readGbPerS = streamingReadGbPerS(model.module().languageModel().stateDict());
                line.put("weight_read_gb_per_s", round(readGbPerS));
                line.put("decode_fraction_of_read", round(decodeGbPerS / readGbPerS));
            }
            line.put("checkpoint_gb", round(weightBytes / 1e9));
            line.put("peak_rss_gb", round(peakRssBytes() / 1e9));
            long hugeMapped = filePmdMappedBytes();
            line.put("huge_page_mapped_gb", hugeMapped < 0 ? -1 : round(hugeMapped / 1e9));
            System.out.println(json ? JsonText.write(line) : line.toString());
        }
        return 0;
    }

    /**
     * The language model's weights one decode step reads: all of them except the embedding table, of which a step
     * reads one row, unless the head is tied to it (no separate lm_head.weight).
     */
    static List<Tensor> weightsReadPerToken(Map<String, Tensor> state) {
        boolean tied = !state.containsKey("lm_head.weight");
        List<Tensor> read = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (tied || !e.getKey().endsWith("embed_tokens.weight")) {
                read.add(e.getValue());
            }
        }
        return read;
    }

    static long weightBytesReadPerToken(Map<String, Tensor> state) {
        long total = 0;
        for (Tensor t : weightsReadPerToken(state)) {
            total += (long) t.numel() * t.dtype().byteSize();
        }
        return total;
    }

    /**
     * The bandwidth yardstick for decode: GB/s of a plain streaming read ({@link StreamRead}) of the weights a step
     * reads ({@link #weightsReadPerToken}), in place (same pages, same threads), right after the timed generation.
     * One untimed pass, then the median of five.
     */
    static double streamingReadGbPerS(Map<String, Tensor> state) {
        List<MemorySegment> weights = new ArrayList<>();
        for (Tensor t : weightsReadPerToken(state)) {
            weights.add(TensorBytes.of(t));
        }
        double[] seconds = new double[6];
        for (int pass = 0; pass < seconds.length; pass++) {
            long t0 = System.nanoTime();
            for (MemorySegment w : weights) {
                StreamRead.read(w);
            }
            seconds[pass] = (System.nanoTime() - t0) / 1e9;
        }
        double[] timed = Arrays.copyOfRange(seconds, 1, seconds.length);
        Arrays.sort(timed);
        return weightBytesReadPerToken(state) / 1e9 / timed[timed.length / 2];
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static long checkpointBytes(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".safetensors")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * FilePmdMapped of /proc/self/smaps_rollup (Linux; -1 elsewhere): the mapped checkpoint bytes held in 2 MB pages.
     * Decode streams its weights about twice as fast from those as from 4 KB pages (see HugePageAdvice), so this
     * says which case a decode rate belongs to. Pages the cache already held in 4 KB folios before the run stay so.
     */
    static long filePmdMappedBytes() {
        return procKilobytes("/proc/self/smaps_rollup", "FilePmdMapped:");
    }

    /** VmHWM of /proc/self/status (Linux); -1 elsewhere. */
    static long peakRssBytes() {
        return procKilobytes("/proc/self/status", "VmHWM:");
    }

    /** Bytes of the "key ... N kB" line of a /proc file; -1 when the file or the line is missing. */
    private static long procKilobytes(String file, String key) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
