package dev.llava4j.tensor.backend;

/** Reductions over chosen dimensions. MEAN is SUM scaled by the frontend. */
public enum ReduceOp {
    SUM, MAX, MIN, PROD
}
