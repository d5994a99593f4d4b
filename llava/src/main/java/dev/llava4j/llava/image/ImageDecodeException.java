package dev.llava4j.llava.image;

/** An image file could not be read or decoded; the message names the file and the reason. */
public class ImageDecodeException extends RuntimeException {

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
