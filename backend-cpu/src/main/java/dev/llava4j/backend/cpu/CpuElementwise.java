package dev.llava4j.backend.cpu;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Vectorised elementwise kernels over F32 (and BF16 conversions), row by row via {@link RowLoop}. */
final class CpuElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Shorts of half the float vector's bit size: one BF16 per float lane. */
    private static final VectorSpecies<Short> SH = VectorSpecies.of(short.class,
            jdk.incubator.vector.VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private CpuElementwise() {
    }

    static boolean allF32(Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.F32) {
                return false;
            }
        }
        return true;
    }

    static RowLoop loop(Tensor shapeOf, Tensor... views) {
        int[][] st = new int[views.length][];
        int[] off = new int[views.length];
        for (int i = 0; i < views.length; i++) {
            st[i] = views[i].strides();
            off[i] = views[i].offset();
        }
        return new RowLoop(shapeOf.shape(), st, off);
    }

    /**
     * An F32 view with the same shape and strides as t (t itself when already F32): only the storage range the view
     * touches is converted, so a broadcast BF16 bias costs its own size, not the broadcast size.
     */
    static Tensor asF32(Tensor t) {
        if (t.dtype() == DType.F32) {
            return t;
        }
        int[] shape = t.shape();
        int[] strides = t.strides();
        long span = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                span = 0;
                break;
            }
            span += (long) (shape[d] - 1) * strides[d];
        }
        Tensor flat = new Tensor(t.storage(), t.dtype(), new int[]{(int) span}, new int[]{1}, t.offset());
        Tensor converted = Tensor.empty(DType.F32, (int) span);
        if (!copy(flat, converted)) {
            dev.llava4j.tensor.backend.Backends.byName("reference").copy(flat, converted);
        }
        return new Tensor(converted.storage(), DType.F32, shape, strides, 0);
    }

    static boolean isFloat(Tensor t) {
        return t.dtype() == DType.F32 || t.dtype() == DType.BF16 || t.dtype() == DType.F16;
    }

    /** out = op(x) for F32 views. */
    static void unary(UnaryOp op, Tensor x, Tensor out) {
        MemorySegment xs = x.segment();
        MemorySegment os = out.segment();
        RowLoop loop = loop(out, x, out);
        int sx = loop.innerStride(0);
        int so = loop.innerStride(1);
        VectorMath.UnaryRow vectorLoop = VectorMath.unaryRow(op);
        loop.run((off, len) -> {
            long xo = off[0];
            long oo = off[1];
            int i = 0;
            if (sx == 1 && so == 1) {
                i = S.loopBound(len);
                vectorLoop.run(xs, xo, os, oo, i);
            }
            for (; i < len; i++) {
                os.setAtIndex(F, oo + (long) i * so, (float) op.apply(xs.getAtIndex(F, xo + (long) i * sx)));
            }
        });
    }

    /** out = op(a, b) for F32 views (a, b may broadcast with stride 0). */
    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        RowLoop loop = loop(out, a, b, out);
        int sa = loop.innerStride(0);
        int sb = loop.innerStride(1);
        int so = loop.innerStride(2);
        boolean arithmetic = VectorMath.isArithmetic(op);
        // + - * / max min: unit or zero (broadcast scalar) strides; the gradient formulas: unit strides only
        boolean vec = so == 1 && (arithmetic ? (sa == 0 || sa == 1) && (sb == 0 || sb == 1) : sa == 1 && sb == 1);
        VectorMath.BinaryRow gradientLoop = arithmetic ? null : VectorMath.gradientRow(op);
        loop.run((off, len) -> {
            long ao = off[0];
            long bo = off[1];
            long oo = off[2];
            int i = 0;
            if (vec && arithmetic) {
                i = arithmeticRow(op, as, ao, sa == 0, bs, bo, sb == 0, os, oo, len);
            } else if (vec && gradientLoop != null) {
                i = S.loopBound(len);
                gradientLoop.run(as, ao, bs, bo, os, oo, i);
            }
            for (; i < len; i++) {
                double r = op.apply(as.getAtIndex(F, ao + (long) i * sa), bs.getAtIndex(F, bo + (long) i * sb));
                os.setAtIndex(F, oo + (long) i * so, (float) r);
            }
        });
    }

    /**
     * Vector part of one row of a +, -, *, /, max or min; a and b have unit stride or are scalars. These six are
     * small enough to share one loop (see {@link VectorMath#unaryRow} for why the longer formulas cannot).
     */
    private static int arithmeticRow(BinaryOp op, MemorySegment as, long ao, boolean aScalar, MemorySegment bs, long bo,
                                     boolean bScalar, MemorySegment os, long oo, int len) {
        float aValue = aScalar ? as.getAtIndex(F, ao) : 0f;
        float bValue = bScalar ? bs.getAtIndex(F, bo) : 0f;
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector va = aScalar ? FloatVector.broadcast(S, aValue) : FloatVector.fromMemorySegment(S, as, ao * 4 + i * 4L, LE);
            FloatVector vb = bScalar ? FloatVector.broadcast(S, bValue) : FloatVector.fromMemorySegment(S, bs, bo * 4 + i * 4L, LE);
            VectorMath.arithmetic(op, va, vb).intoMemorySegment(os, oo * 4 + i * 4L, LE);
        }
        return i;
    }

    /** dst = src for the dtype pairs F32->F32, BF16->F32, F32->BF16 (any strides). */
    static boolean copy(Tensor src, Tensor dst) {
        DType from = src.dtype();
        DType to = dst.dtype();
        boolean supported = (from == DType.F32 || from == DType.BF16) && (to == DType.F32 || to == DType.BF16);
        if (!supported) {
            return false;
        }
        MemorySegment ss = src.segment();
        MemorySegment ds = dst.segment();
        RowLoop loop = loop(dst, src, dst);
        int s0 = loop.innerStride(0);
        int s1 = loop.innerStride(1);
        loop.run((off, len) -> {
            long so = off[0];
            long dO = off[1];
            int i = 0;
            if (from == to && s0 == 1 && s1 == 1) {
                long bytes = (long) len * from.byteSize();
                MemorySegment.copy(ss, so * from.byteSize(), ds, dO * from.byteSize(), bytes);
                return;
            }
            if (from == DType.BF16 && to == DType.F32 && s0 == 1 && s1 == 1) {
                for (int bound = S.loopBound(len); i < bound; i += S.length()) {
                    ShortVector sv = ShortVector.fromMemorySegment(SH, ss, (so + i) * 2, LE);
                    IntVector iv = (IntVector) sv.convertShape(VectorOperators.S2I, I, 0);
                    iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(ds, dO * 4 + i * 4L, LE);
                }
            }
            for (; i < len; i++) {
                float v = from == DType.F32 ? ss.getAtIndex(F, so + (long) i * s0)
                        : Float.intBitsToFloat((ss.getAtIndex(SHORT, so + (long) i * s0) & 0xffff) << 16);
                if (to == DType.F32) {
                    ds.setAtIndex(F, dO + (long) i * s1, v);
                } else {
                    ds.setAtIndex(SHORT, dO + (long) i * s1, dev.llava4j.tensor.FloatFormats.floatToBf16(v));
                }
            }
        });
        return true;
    }

    /** Fills an F32 view with value. */
    static void fill(Tensor out, float value) {
        MemorySegment os = out.segment();
        RowLoop loop = loop(out, out);
        int so = loop.innerStride(0);
        FloatVector v = FloatVector.broadcast(S, value);
        loop.run((off, len) -> {
            long oo = off[0];
            int i = 0;
            if (so == 1) {
                for (int bound = S.loopBound(len); i < bound; i += S.length()) {
                    v.intoMemorySegment(os, oo * 4 + i * 4L, LE);
                }
            }
            for (; i < len; i++) {
                os.setAtIndex(F, oo + (long) i * so, value);
            }
        });
    }
}
