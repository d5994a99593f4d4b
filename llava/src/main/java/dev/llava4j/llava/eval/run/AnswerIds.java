package dev.llava4j.llava.eval.run;

import java.math.BigInteger;
import java.util.UUID;

/**
 * Random answer ids in the style of {@code shortuuid.uuid()}, which LLaVA writes as answer_id: a random
 * 128-bit UUID written in base 57 with shortuuid's alphabet (no 0, 1, I, O, l), most significant digit first,
 * padded to 22 characters. Nothing reads these ids back; they only have to be unique.
 */
public final class AnswerIds {

    static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    /** Digits needed for any 128-bit number in base 57. */
    static final int LENGTH = 22;

    private AnswerIds() {
    }

    public static String random() {
        UUID u = UUID.randomUUID();
        BigInteger value = new BigInteger(1, toBytes(u.getMostSignificantBits(), u.getLeastSignificantBits()));
        return encode(value);
    }

    /** {@code value} in base 57, most significant digit first, left-padded with the zero digit to 22 places. */
    static String encode(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 128) {
            throw new IllegalArgumentException("not a 128-bit unsigned value: " + value);
        }
        BigInteger base = BigInteger.valueOf(ALPHABET.length());
        char[] digits = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            BigInteger[] qr = value.divideAndRemainder(base);
            digits[i] = ALPHABET.charAt(qr[1].intValue());
            value = qr[0];
        }
        return new String(digits);
    }

    private static byte[] toBytes(long high, long low) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }
}
