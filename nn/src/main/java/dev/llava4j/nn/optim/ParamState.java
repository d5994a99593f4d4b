package dev.llava4j.nn.optim;

import dev.llava4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** The optimizer state of one parameter: its step count, named F32 buffers and, if needed, an F32 master copy. */
final class ParamState {
    long step;
    final Map<String, Tensor> buffers = new LinkedHashMap<>();
    /** F32 master weights when the parameter itself cannot be updated in place (BF16/F16/strided), else null. */
    Tensor master;
    /** The parameter tensor the master copy belongs to; a different tensor means the parameter was replaced. */
    Tensor masterOf;
}
