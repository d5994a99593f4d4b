package dev.llava4j.llava.eval;

import java.nio.file.Path;

/** Writes the file that a benchmark's official server or grader takes, as LLaVA's converter does. */
public interface Converter {

    /** The benchmark name used on the command line, e.g. {@code vqav2}. */
    String name();

    /** What {@code --questions}/{@code --annotations} must point at, and what {@code --out} becomes. */
    String inputsHelp();

    ConvertResult convert(EvalInputs inputs, Path out);
}
