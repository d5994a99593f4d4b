package dev.llava4j.llava.eval;

/** Scores one benchmark's answer file the way its official evaluation code does. */
public interface Scorer {

    /** The benchmark name used on the command line, e.g. {@code textvqa}. */
    String name();

    /** What {@code --annotations} (and {@code --questions}, if needed) must point at. */
    String inputsHelp();

    ScoreResult score(EvalInputs inputs);
}
