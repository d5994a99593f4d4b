package dev.llava4j.tensor.testing;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.Storage;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;

import java.util.Arrays;
import java.util.Set;

/**
 * A stand-in for the CUDA backend on machines without a GPU: it serves {@link Device#CUDA}, allocates
 * {@link FakeDeviceStorage} (host memory that reports CUDA and starts as garbage), and runs every op by unwrapping
 * its tensors to host views and calling a host backend. Like the real backend it rejects CPU tensors in every op
 * except {@link #copy}, which moves data between host and "device". So a model run under it touches device memory
 * from the host exactly where a real GPU run would fail, and otherwise computes what the host backend computes.
 * <pre>
 * try (Backends.Handle h = FakeDeviceBackend.install()) { ... Tensor.empty(Device.CUDA, ...) ... }
 * </pre>
 */
public final class FakeDeviceBackend implements Backend {
    private final Backend host;

    public FakeDeviceBackend(Backend host) {
        if (host.device() != Device.CPU) {
            throw new IllegalArgumentException("the fake device delegates to a CPU backend, not " + host.name());
        }
        this.host = host;
    }

    /** Serves CUDA on this thread with a fake that delegates to the current CPU backend, until closed. */
    public static Backends.Handle install() {
        return Backends.use(new FakeDeviceBackend(Backends.forDevice(Device.CPU)));
    }

    @Override
    public String name() {
        return "fake-cuda(" + host.name() + ")";
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Set<String> nativeOps() {
        return host.nativeOps();
    }

    @Override
    public Storage allocate(long bytes) {
        return FakeDeviceStorage.allocate(bytes);
    }

    /** The host view of a fake-device tensor; a CPU tensor here is the bug the real backend would also reject. */
    private static Tensor d(Tensor t) {
        if (t == null) {
            return null;
        }
        if (!(t.storage() instanceof FakeDeviceStorage fs)) {
            throw new IllegalArgumentException("the fake CUDA backend was given a tensor on " + t.device() + " (dtype "
                    + t.dtype() + ", shape " + Arrays.toString(t.shape()) + ")");
        }
        return new Tensor(fs.host(), t.dtype(), t.shape(), t.strides(), t.offset());
    }

    /** Either side of a copy may be on the host. */
    private static Tensor any(Tensor t) {
        return t.storage() instanceof FakeDeviceStorage ? d(t) : t;
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        host.unary(op, d(x), d(out));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        host.binary(op, d(a), d(b), d(out));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        host.where(d(cond), d(a), d(b), d(out));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!(src.storage() instanceof FakeDeviceStorage) && !(dst.storage() instanceof FakeDeviceStorage)) {
            throw new IllegalArgumentException("the fake CUDA backend was asked to copy between two CPU tensors");
        }
        host.copy(any(src), any(dst));
    }

    @Override
    public void fill(Tensor out, double value) {
        host.fill(d(out), value);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        host.reduce(op, d(x), dims, d(out));
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices) {
        host.argReduce(max, d(x), dim, d(values), d(indices));
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        host.matmul(d(a), d(b), d(out));
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean log) {
        host.softmax(d(x), d(out), log);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        host.softmaxBackward(d(y), d(gy), d(gx), log);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Tensor mean, Tensor rstd) {
        host.layerNorm(d(x), d(weight), d(bias), eps, d(out), d(mean), d(rstd));
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        host.layerNormBackward(d(x), d(weight), d(mean), d(rstd), d(gy), d(gx), d(gWeight), d(gBias));
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, double eps, Tensor out, Tensor rstd) {
        host.rmsNorm(d(x), d(weight), eps, d(out), d(rstd));
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor weight, Tensor rstd, Tensor gy, Tensor gx, Tensor gWeight) {
        host.rmsNormBackward(d(x), d(weight), d(rstd), d(gy), d(gx), d(gWeight));
    }

    @Override
    public void rope(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean backward) {
        host.rope(d(x), d(cos), d(sin), d(out), backward);
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                          Tensor lse) {
        host.attention(d(q), d(k), d(v), d(mask), causal, scale, d(out), d(lse));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale, Tensor out,
                                  Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        host.attentionBackward(d(q), d(k), d(v), d(mask), causal, scale, d(out), d(lse), d(gOut), d(gq), d(gk), d(gv));
    }

    @Override
    public void indexSelect(Tensor src, int dim, Tensor index, Tensor out) {
        host.indexSelect(d(src), dim, d(index), d(out));
    }

    @Override
    public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        host.indexAdd(d(dst), dim, d(index), d(src));
    }

    @Override
    public void gather(Tensor src, int dim, Tensor index, Tensor out) {
        host.gather(d(src), dim, d(index), d(out));
    }

    @Override
    public void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src) {
        host.scatterAdd(d(dst), dim, d(index), d(src));
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, long ignoreIndex, Tensor loss, Tensor lse) {
        host.crossEntropy(d(logits), d(targets), ignoreIndex, d(loss), d(lse));
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, long ignoreIndex, Tensor lse, Tensor gLoss,
                                     Tensor gLogits) {
        host.crossEntropyBackward(d(logits), d(targets), ignoreIndex, d(lse), d(gLoss), d(gLogits));
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, long step) {
        host.adamw(d(param), d(grad), d(m), d(v), lr, beta1, beta2, eps, weightDecay, step);
    }
}
