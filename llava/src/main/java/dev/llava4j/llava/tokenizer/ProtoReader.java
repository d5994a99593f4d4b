package dev.llava4j.llava.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Minimal protobuf wire-format reader over a byte array: just enough (varint, fixed32, fixed64,
 * length-delimited) to walk a sentencepiece ModelProto. Errors are {@link MalformedProtoException}s
 * carrying the byte offset; the caller adds the file name.
 */
final class ProtoReader {

    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LEN = 2;
    static final int WIRE_FIXED32 = 5;

    /** Thrown on truncated or invalid wire data. */
    static final class MalformedProtoException extends RuntimeException {
        MalformedProtoException(String message) {
            super(message);
        }
    }

    private final byte[] data;
    private int pos;
    private final int limit;

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int start, int limit) {
        this.data = data;
        this.pos = start;
        this.limit = limit;
    }

    boolean hasMore() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    /** Reads a field tag; returns it whole (field number = tag >>> 3, wire type = tag & 7). */
    int readTag() {
        int at = pos;
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw new MalformedProtoException("invalid field tag " + tag + " at byte " + at);
        }
        return (int) tag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new MalformedProtoException("truncated varint at byte " + pos);
            }
            byte b = data[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedProtoException("varint longer than 10 bytes at byte " + pos);
    }

    /** proto int32 fields store negative values as 10-byte varints; the low 32 bits are the value. */
    int readInt32() {
        return (int) readVarint();
    }

    boolean readBool() {
        return readVarint() != 0;
    }

    float readFloat() {
        ensure(4, "fixed32");
        int bits = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16
                | (data[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    /** Reader over the next length-delimited field's payload; this reader skips past it. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader sub = new ProtoReader(data, pos, pos + length);
        pos += length;
        return sub;
    }

    String readString() {
        int length = readLength();
        String s = new String(data, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** Skips a field of the given wire type (groups are not used by sentencepiece and are rejected). */
    void skip(int wireType) {
        switch (wireType) {
            case WIRE_VARINT -> readVarint();
            case WIRE_FIXED64 -> {
                ensure(8, "fixed64");
                pos += 8;
            }
            case WIRE_LEN -> {
                int length = readLength();
                pos += length;
            }
            case WIRE_FIXED32 -> {
                ensure(4, "fixed32");
                pos += 4;
            }
            default -> throw new MalformedProtoException("unsupported wire type " + wireType + " at byte " + pos);
        }
    }

    /** Checks that a field has the wire type the schema expects. */
    static void expectWireType(int tag, int expected) {
        if ((tag & 7) != expected) {
            throw new MalformedProtoException("field " + (tag >>> 3) + " has wire type " + (tag & 7)
                    + ", expected " + expected);
        }
    }

    private int readLength() {
        int at = pos;
        long length = readVarint();
        if (length < 0 || length > limit - pos) {
            throw new MalformedProtoException("length " + length + " at byte " + at + " runs past the end of its message (ends at byte "
                    + limit + ")");
        }
        return (int) length;
    }

    private void ensure(int n, String what) {
        if (limit - pos < n) {
            throw new MalformedProtoException("truncated " + what + " at byte " + pos);
        }
    }
}
