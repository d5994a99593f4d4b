package dev.llava4j.tensor.safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Which safetensors files make up a checkpoint given as a file or a folder. */
sealed interface CheckpointLayout {

    String DEFAULT_INDEX = "model.safetensors.index.json";
    String INDEX_SUFFIX = ".safetensors.index.json";

    /** Tensors listed by an index file, spread over shards next to it. */
    record Indexed(Path indexFile) implements CheckpointLayout {
    }

    /** One or more safetensors files read as one (names must not repeat across files). */
    record FileSet(List<Path> files) implements CheckpointLayout {
    }

    static CheckpointLayout detect(Path path) throws SafetensorsException {
        if (!Files.exists(path)) {
            throw new SafetensorsException(path, "no such file or folder");
        }
        if (Files.isDirectory(path)) {
            return detectInFolder(path);
        }
        String name = path.getFileName().toString();
        if (name.endsWith(INDEX_SUFFIX)) {
            return new Indexed(path);
        }
        if (isPickle(name)) {
            throw pickleRefused(path, name);
        }
        return new FileSet(List.of(path));
    }

    private static CheckpointLayout detectInFolder(Path dir) throws SafetensorsException {
        List<String> names = listVisibleFiles(dir);
        if (names.contains(DEFAULT_INDEX)) {
            return new Indexed(dir.resolve(DEFAULT_INDEX));
        }
        List<String> indexes = names.stream().filter(n -> n.endsWith(INDEX_SUFFIX)).toList();
        if (indexes.size() == 1) {
            return new Indexed(dir.resolve(indexes.getFirst()));
        }
        if (indexes.size() > 1) {
            throw new SafetensorsException(dir, "several shard indexes " + indexes
                    + "; open the one you mean directly");
        }
        if (names.contains("model.safetensors")) {
            // the Hugging Face single-file name wins over other .safetensors files kept beside it
            return new FileSet(List.of(dir.resolve("model.safetensors")));
        }
        List<Path> shards = names.stream().filter(n -> n.endsWith(".safetensors")).map(dir::resolve).toList();
        if (!shards.isEmpty()) {
            return new FileSet(shards);
        }
        List<String> pickles = names.stream().filter(CheckpointLayout::isPickle).toList();
        if (!pickles.isEmpty()) {
            throw pickleRefused(dir, String.join(", ", pickles));
        }
        throw new SafetensorsException(dir, "no .safetensors file or " + INDEX_SUFFIX + " index in this folder");
    }

    /** Regular files of the folder, sorted; hidden ones (temporary files, macOS "._x" copies) are skipped. */
    private static List<String> listVisibleFiles(Path dir) throws SafetensorsException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SafetensorsException(dir, "cannot list folder: " + e, e);
        }
    }

    private static boolean isPickle(String name) {
        return name.endsWith(".bin") || name.equals("pytorch_model.bin.index.json")
                || name.endsWith(".pt") || name.endsWith(".pth");
    }

    /** Pickle files can run arbitrary code when loaded, so they are never read; tell the user how to convert. */
    private static SafetensorsException pickleRefused(Path where, String found) {
        return new SafetensorsException(where, "found PyTorch pickle checkpoint (" + found + "); llava4j only"
                + " reads safetensors, because loading pickle can execute code. Convert it to safetensors first,"
                + " e.g. in Python: model.save_pretrained(out_dir, safe_serialization=True), or per file:"
                + " safetensors.torch.save_file({k: v.contiguous() for k, v in torch.load(f,"
                + " map_location='cpu').items()}, f.replace('.bin', '.safetensors')) and rewrite the"
                + " pytorch_model.bin.index.json as model.safetensors.index.json with the new file names");
    }
}
