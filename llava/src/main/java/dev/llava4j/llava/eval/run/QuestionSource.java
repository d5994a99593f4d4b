package dev.llava4j.llava.eval.run;

import java.nio.file.Path;
import java.util.List;

/** Reads one benchmark question-file format into the questions to ask, in file order. */
public interface QuestionSource {

    /** A short name of the format, for help texts and messages. */
    String format();

    /**
     * @param questionFile the benchmark's question file
     * @param imageFolder  folder that image names in the file are relative to (null: the working directory, as
     *                     LLaVA's default {@code --image-folder ""})
     * @param spec         the benchmark, for its response-format suffix
     */
    List<EvalQuestion> read(Path questionFile, Path imageFolder, BenchmarkSpec spec);

    /** An image name from a question file resolved against the image folder. */
    static ImageSource.File imageFile(Path imageFolder, String name) {
        return new ImageSource.File(imageFolder == null ? Path.of(name) : imageFolder.resolve(name));
    }
}
