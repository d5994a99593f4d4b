package dev.llava4j.llava.eval.py;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Python number formatting. {@code '%.nf' % x} and {@code round(x, n)} round the exact binary value
 * half-even (Java's {@code String.format} rounds half-up, e.g. 0.125 → "0.13" where Python prints
 * "0.12"); {@code repr(x)} is the shortest round-trip string in Python's notation.
 */
public final class PyFormat {

    private PyFormat() {
    }

    /** Python {@code '%.<digits>f' % x}. */
    public static String fixed(double x, int digits) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        // BigDecimal has no negative zero; Python keeps the sign of -0.001 → "-0.00".
        boolean negative = x < 0 || (x == 0 && 1 / x < 0);
        return negative && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python {@code round(x, digits)} for a float. */
    public static double round(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
            return x;
        }
        double r = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
        return r == 0 && x < 0 ? -0.0 : r;
    }

    /** Python {@code repr(x)} for a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
    public static String repr(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return 1 / x < 0 ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest round-trip digits (JDK >= 19); only the layout differs.
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(x))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int decimalPoint = digits.length() - shortest.scale(); // value = 0.<digits> * 10^decimalPoint
        String sign = x < 0 ? "-" : "";
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                return sign + "0." + "0".repeat(-decimalPoint) + digits;
            }
            if (decimalPoint >= digits.length()) {
                return sign + digits + "0".repeat(decimalPoint - digits.length()) + ".0";
            }
            return sign + digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
        }
        int exponent = decimalPoint - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
}
