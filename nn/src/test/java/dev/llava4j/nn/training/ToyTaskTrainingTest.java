package dev.llava4j.nn.training;

import dev.llava4j.nn.lora.Lora;
import dev.llava4j.nn.loss.Losses;
import dev.llava4j.nn.optim.AdamW;
import dev.llava4j.nn.optim.ParamGroup;
import dev.llava4j.nn.optim.ParamGroups;
import dev.llava4j.nn.schedule.GradAccumulation;
import dev.llava4j.nn.schedule.GradClip;
import dev.llava4j.nn.schedule.LrSchedule;
import dev.llava4j.nn.testutil.ToyDecoder;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.testing.TensorAssert;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-layer LLaMA-style decoder learns to copy: "a b c d SEP a b c d", loss on the copied half only. Random guessing
 * among the 9 data tokens costs ln 9 = 2.2; after 150 AdamW steps (cosine schedule, clipping at 1.0) the loss must be
 * below 0.1.
 */
class ToyTaskTrainingTest {
    private static final int VOCAB = 10; // 0 = separator, 1..9 data
    private static final int HALF = 4;
    private static final long IGNORE = Losses.IGNORE_INDEX;

    /** ids [b, 2*HALF+1] and labels with the prompt half ignored. */
    private static Tensor[] copyBatch(Generator gen, int b) {
        int t = 2 * HALF + 1;
        long[] ids = new long[b * t];
        long[] labels = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < HALF; j++) {
                long tok = 1 + gen.nextInt(VOCAB - 1);
                ids[i * t + j] = tok;
                ids[i * t + HALF + 1 + j] = tok;
            }
            for (int j = 0; j < t; j++) {
                labels[i * t + j] = j > HALF ? ids[i * t + j] : IGNORE;
            }
        }
        return new Tensor[]{Tensor.ofLongs(ids, b, t), Tensor.ofLongs(labels, b, t)};
    }

    @Test
    void smallDecoderLearnsToCopy() {
        ToyDecoder model = new ToyDecoder(VOCAB, 32, 4, 2, 64, new Generator(1));
        AdamW opt = new AdamW(ParamGroups.decayExceptBiasesAndNorms(model, 1e-2, 0.01));
        int steps = 150;
        LrSchedule schedule = LrSchedule.cosineWithWarmup(20, steps);
        Generator data = new Generator(2);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < steps; step++) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor[] batch = copyBatch(data, 32);
                Tensor loss = Losses.causalLmLoss(model.forward(batch[0]), batch[1]);
                loss.backward();
                GradClip.clipGlobalNorm(opt, 1.0);
                schedule.apply(opt, step);
                opt.step();
                opt.zeroGrad();
                last = loss.item();
                if (step == 0) {
                    first = loss.item();
                }
            }
        }
        assertTrue(first > 1.5, "starts near chance (ln 9 = 2.2): " + first);
        // evaluate on fresh sequences
        Tensor[] test = copyBatch(new Generator(3), 64);
        model.eval();
        double eval;
        try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
            eval = Losses.causalLmLoss(model.forward(test[0]), test[1]).item();
        }
        assertTrue(eval < 0.1, "copy task loss after " + steps + " steps: train " + last + ", held-out " + eval);
    }

    @Test
    void loraOnABf16CheckpointedModelTrainsOnlyTheAdapters() {
        ToyDecoder model = new ToyDecoder(VOCAB, 32, 4, 2, 64, new Generator(1));
        model.to(DType.BF16);
        Lora.apply(model, path -> path.contains(".self_attn.") || path.contains(".mlp."), 8, 16, 0.0, new Generator(4));
        model.setCheckpointing(true); // the embeddings are frozen, so only the adapters make the layers need gradients
        Map<String, float[]> frozen = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> {
            if (!p.isTrainable()) {
                frozen.put(n, p.value().toFloatArray());
            }
        });
        AdamW opt = new AdamW(List.of(ParamGroup.of(model, 5e-3, 0.0)));
        Generator data = new Generator(2);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 60; step++) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor[] batch = copyBatch(data, 32);
                Tensor loss = Losses.causalLmLoss(model.forward(batch[0]), batch[1]);
                loss.backward();
                opt.step();
                opt.zeroGrad();
                last = loss.item();
                first = step == 0 ? last : first;
            }
        }
        assertTrue(last < 0.5 * first, "LoRA fine-tuning lowers the loss: " + first + " -> " + last);
        model.namedParameters().forEach((n, p) -> {
            if (frozen.containsKey(n)) {
                assertArrayEquals(frozen.get(n), p.value().toFloatArray(), n + " is frozen");
                assertNull(p.grad(), n + " gets no gradient");
            }
        });
    }

    @Test
    void accumulatedMicroBatchesGiveTheFullBatchGradient() {
        ToyDecoder model = new ToyDecoder(VOCAB, 16, 2, 1, 32, new Generator(5));
        Tensor[] batch = copyBatch(new Generator(6), 4); // every row has the same number of targets
        Losses.causalLmLoss(model.forward(batch[0]), batch[1]).backward();
        Map<String, Tensor> full = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> full.put(n, p.grad().copy()));
        model.namedParameters().values().forEach(p -> p.value().zeroGrad());

        GradAccumulation acc = new GradAccumulation(2);
        for (int micro = 0; micro < 2; micro++) {
            Tensor ids = batch[0].narrow(0, 2 * micro, 2);
            Tensor labels = batch[1].narrow(0, 2 * micro, 2);
            Losses.causalLmLoss(model.forward(ids), labels).mul(acc.lossScale()).backward();
            assertEquals(micro == 1, acc.isStepBoundary(micro), "steps after the second micro-batch");
        }
        model.namedParameters().forEach((n, p) ->
                TensorAssert.assertCloseScaled(full.get(n), p.grad(), 1e-5, n));
    }
}
