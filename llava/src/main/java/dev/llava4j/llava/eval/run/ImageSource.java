package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.image.ImageDecodeException;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a question's image comes from; decoded only when its batch runs, so a large benchmark is not held decoded. */
public sealed interface ImageSource {

    RgbImage load();

    /** Whether the image can be expected to load (a file that exists), checked before a long run starts. */
    boolean looksAvailable();

    /** The image for messages. */
    String describe();

    /** An image file (LLaVA opens it with PIL and converts to RGB; no EXIF rotation). */
    record File(Path path) implements ImageSource {
        @Override
        public RgbImage load() {
            return ImageLoader.load(path);
        }

        @Override
        public boolean looksAvailable() {
            return Files.isRegularFile(path);
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /**
     * A base64-encoded image inside the question file (MMBench .tsv). Like Python's {@code base64.b64decode}
     * without validation, characters outside the base64 alphabet (line breaks) are ignored.
     *
     * @param origin where the data was found, e.g. "dev.tsv index 12"
     */
    record Base64(String data, String origin) implements ImageSource {
        @Override
        public RgbImage load() {
            byte[] bytes;
            try {
                bytes = java.util.Base64.getMimeDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new ImageDecodeException(origin + ": the image is not valid base64 (" + e.getMessage() + ")", e);
            }
            return ImageLoader.decode(bytes, origin, false);
        }

        @Override
        public boolean looksAvailable() {
            return !data.isEmpty();
        }

        @Override
        public String describe() {
            return "the base64 image of " + origin;
        }
    }
}
