package dev.llava4j.backend.cuda;

import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.backend.BinaryOp;
import dev.llava4j.tensor.backend.ReduceOp;
import dev.llava4j.tensor.backend.UnaryOp;

/**
 * The integer codes the kernels switch on. They are spelled out here (not taken from enum ordinals) so that
 * reordering a Java enum cannot silently change what a kernel computes; the #defines in common.cuh and
 * elementwise.cu must agree with these tables.
 */
final class KernelCodes {
    private KernelCodes() {
    }

    static int dtype(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
            case F64 -> 3;
            case I64 -> 4;
            case I32 -> 5;
            case I16 -> 6;
            case I8 -> 7;
            case U8 -> 8;
            case BOOL -> 9;
        };
    }

    static int unary(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case RSQRT -> 4;
            case TANH -> 5;
            case SIGMOID -> 6;
            case RELU -> 7;
            case GELU -> 8;
            case GELU_TANH -> 9;
            case QUICK_GELU -> 10;
            case SILU -> 11;
            case ABS -> 12;
            case SIN -> 13;
            case COS -> 14;
            case RECIPROCAL -> 15;
            case SQUARE -> 16;
        };
    }

    static int binary(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case POW -> 4;
            case MAX -> 5;
            case MIN -> 6;
            case EQ -> 7;
            case NE -> 8;
            case LT -> 9;
            case LE -> 10;
            case GT -> 11;
            case GE -> 12;
            case GELU_GRAD -> 13;
            case GELU_TANH_GRAD -> 14;
            case QUICK_GELU_GRAD -> 15;
            case SILU_GRAD -> 16;
            case RELU_GRAD -> 17;
        };
    }

    static int reduce(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 1;
            case MIN -> 2;
            case PROD -> 3;
        };
    }

    /**
     * Whether elementwise math must run in double: F64 data, and 32/64-bit integers whose values float cannot hold
     * exactly (the reference backend computes everything in double).
     */
    static boolean needsDouble(DType... types) {
        for (DType t : types) {
            if (t == DType.F64 || t == DType.I64 || t == DType.I32) {
                return true;
            }
        }
        return false;
    }
}
