package dev.llava4j.llava.eval.score;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.py.PyStrings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The MME ground truth as {@code convert_answer_to_mme.py}'s {@code get_gt} reads it from
 * MME_Benchmark_release_version: per task folder either {@code <task>/<image>.txt} (flat) or, when an
 * {@code images} entry exists, {@code <task>/questions_answers_YN/<image>.txt}; each line is
 * {@code question<TAB>Yes|No} after Python's strip().
 */
public final class MmeGroundTruth {

    /** (task, "image.txt", question) → answer. */
    public record Key(String task, String file, String question) {
    }

    private final Map<Key, String> answers;

    private MmeGroundTruth(Map<Key, String> answers) {
        this.answers = answers;
    }

    public static MmeGroundTruth read(Path root) {
        if (!Files.isDirectory(root)) {
            throw new EvalInputException("MME annotations " + root + " must be the MME_Benchmark_release_version folder");
        }
        Map<Key, String> answers = new HashMap<>();
        for (Path taskDir : list(root)) {
            if (!Files.isDirectory(taskDir)) {
                continue;
            }
            String task = taskDir.getFileName().toString();
            Path qaDir = taskDir;
            if (Files.exists(taskDir.resolve("images"))) {
                if (!Files.isDirectory(taskDir.resolve("images"))) {
                    throw new EvalInputException(taskDir.resolve("images") + " must be a folder");
                }
                qaDir = taskDir.resolve("questions_answers_YN");
                if (!Files.isDirectory(qaDir)) {
                    throw new EvalInputException(taskDir + " has images/ but no questions_answers_YN/ folder");
                }
            }
            for (Path file : list(qaDir)) {
                String name = file.getFileName().toString();
                if (name.endsWith(".txt") && Files.isRegularFile(file)) {
                    readFile(task, file, answers);
                }
            }
        }
        return new MmeGroundTruth(answers);
    }

    private static void readFile(String task, Path file, Map<Key, String> answers) {
        List<String> lines = Json.readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = PyStrings.strip(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            if (parts.length != 2) {
                throw new EvalInputException(file + " line " + (i + 1) + ": expected question<TAB>answer, found "
                        + Json.abbreviate(line));
            }
            answers.put(new Key(task, file.getFileName().toString(), parts[0]), parts[1]);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new EvalInputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The answer, or null. */
    public String answer(String task, String file, String question) {
        return answers.get(new Key(task, file, question));
    }

    public boolean contains(String task, String file, String question) {
        return answers.containsKey(new Key(task, file, question));
    }
}
