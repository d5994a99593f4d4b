package dev.llava4j.nn.checkpoint;

import dev.llava4j.nn.Dropout;
import dev.llava4j.nn.Init;
import dev.llava4j.nn.Linear;
import dev.llava4j.nn.Module;
import dev.llava4j.nn.loss.Losses;
import dev.llava4j.nn.testutil.Golden;
import dev.llava4j.nn.testutil.ToyDecoder;
import dev.llava4j.tensor.Generator;
import dev.llava4j.tensor.MemoryStats;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient checkpointing gives the same gradients as the plain forward while holding fewer activation bytes. */
class CheckpointTest {
    private static final int VOCAB = 16;

    private static Tensor batch(long seed, int b, int t) {
        Generator gen = new Generator(seed);
        long[] ids = new long[b * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = gen.nextInt(VOCAB);
        }
        return Tensor.ofLongs(ids, b, t);
    }

    /** Forward + backward inside one scope; returns the growth of live bytes at the peak, gradients left in .grad. */
    private static long trainStepPeak(ToyDecoder model, Tensor ids) {
        model.namedParameters().values().forEach(p -> p.value().setGrad(null));
        long base = MemoryStats.liveBytes();
        MemoryStats.resetPeak();
        try (TensorScope step = TensorScope.open()) {
            Losses.causalLmLoss(model.forward(ids), ids).backward();
        }
        return MemoryStats.peakBytes() - base;
    }

    @Test
    void checkpointedLayersGiveIdenticalGradientsAndALowerPeak() {
        ToyDecoder model = new ToyDecoder(VOCAB, 64, 4, 4, 256, new Generator(3));
        Tensor ids = batch(5, 4, 64);

        long plainPeak = trainStepPeak(model, ids);
        Map<String, Tensor> plain = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> plain.put(n, p.grad().copy()));

        model.setCheckpointing(true);
        long checkpointedPeak = trainStepPeak(model, ids);
        model.namedParameters().forEach((n, p) -> {
            assertNotNull(p.grad(), n + " has a gradient with checkpointing");
            // the same operations; only the order in which autograd sums a tensor's 3+ gradient contributions differs
            Golden.assertRelClose(plain.get(n), p.grad(), 1e-6, n + ": same gradient");
        });
        // four layers of activations held at once versus about one: well under two thirds of the plain peak
        assertTrue(checkpointedPeak < plainPeak * 2 / 3,
                "peak live bytes: checkpointed " + checkpointedPeak + " vs plain " + plainPeak);
    }

    @Test
    void inputGradientsFlowThroughAndFrozenParametersAreNotRequired() {
        ToyDecoder model = new ToyDecoder(VOCAB, 16, 2, 1, 32, new Generator(4));
        ToyDecoder.Block block = model.layer(0);
        block.setTrainable(false); // only the input needs a gradient: the node must still be recorded
        Tensor[] cs = ToyDecoder.rotary(2, 5, 8);
        Tensor x1 = Tensor.randn(new Generator(8), 2, 5, 16).requiresGrad(true);
        block.forward(x1, cs[0], cs[1]).square().sum().backward();
        Tensor x2 = x1.detach().copy().requiresGrad(true);
        Tensor y = Checkpoint.apply(block, in -> block.forward(in[0], in[1], in[2]), x2, cs[0], cs[1]);
        assertEquals("CheckpointBackward3", y.gradFn().toString(), "one node over x, cos, sin (frozen parameters left out)");
        y.square().sum().backward();
        Golden.assertRelClose(x1.grad(), x2.grad(), 1e-6, "input gradient");
    }

    @Test
    void dropoutMasksAreReplayedInTheRecomputation() {
        Generator rng = new Generator(11);
        DropoutLinear m = new DropoutLinear(rng);
        long start = rng.state();
        Tensor x = Tensor.randn(new Generator(2), 8, 6);
        m.forward(x).sum().backward();
        float[] plain = m.fc.weight().grad().toFloatArray();
        long after = rng.state();

        m.fc.weight().value().setGrad(null);
        rng.setState(start);
        Checkpointed<DropoutLinear> c = new Checkpointed<>(m, (mod, in) -> mod.forward(in[0]), List.of(rng));
        c.forward(x).sum().backward();
        assertArrayEquals(plain, m.fc.weight().grad().toFloatArray(), "same dropout mask in the recomputation");
        assertEquals(after, rng.state(), "the generator ends where the plain forward left it");
    }

    @Test
    void checkpointedWrapperKeepsTheWrappedKeys() {
        ToyDecoder model = new ToyDecoder(VOCAB, 16, 2, 1, 32, new Generator(4));
        ToyDecoder.Block block = model.layer(0);
        Checkpointed<ToyDecoder.Block> wrapped = new Checkpointed<>(block, (b, in) -> b.forward(in[0], in[1], in[2]));
        assertEquals(List.copyOf(block.namedParameters().keySet()), List.copyOf(wrapped.namedParameters().keySet()));
        wrapped.eval();
        assertFalse(block.isTraining(), "train/eval reach the wrapped module");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpointed<>(new Linear(2, 2, true, Init.pytorchDefault(new Generator(1))),
                        (l, in) -> l.forward(in[0])));
        assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
    }

    /** dropout then a linear layer, parameters in a child (as Checkpointed requires). */
    static final class DropoutLinear extends Module {
        final Linear fc;
        final Dropout drop;

        DropoutLinear(Generator rng) {
            this.drop = child("drop", new Dropout(0.5, rng));
            this.fc = child("fc", new Linear(6, 3, true, Init.pytorchDefault(new Generator(9))));
        }

        Tensor forward(Tensor x) {
            return fc.forward(drop.forward(x));
        }
    }
}
