package dev.llava4j.llava.eval.py;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PyStringsTest {

    @Test
    void splitUsesPythonWhitespace() {
        assertEquals(List.of("a", "b", "c", "d"), PyStrings.split(" a\u00a0b\u001fc\u202fd\n"));
        assertEquals(List.of("a\u200bb"), PyStrings.split("a\u200bb")); // zero-width space is not whitespace
        assertEquals(List.of(), PyStrings.split(" \t "));
    }

    @Test
    void stripUsesPythonWhitespace() {
        assertEquals("x y", PyStrings.strip("\u0085\u3000x y\u00a0 "));
    }

    @Test
    void prefixCountsCodePoints() {
        assertEquals("a\uD83D\uDE00bc", PyStrings.prefix("a\uD83D\uDE00bcd", 4));
        assertEquals("ab", PyStrings.prefix("ab", 4));
    }

    @Test
    void floatParsesLikePython() {
        assertEquals(10.0, PyFloat.parse("1e1").getAsDouble());
        assertEquals(9.0, PyFloat.parse("9.").getAsDouble());
        assertEquals(0.5, PyFloat.parse(" .5\n").getAsDouble());
        assertEquals(1000.0, PyFloat.parse("1_000").getAsDouble());
        assertEquals(Double.POSITIVE_INFINITY, PyFloat.parse("Infinity").getAsDouble());
        assertTrue(Double.isNaN(PyFloat.parse("nan").getAsDouble()));
        assertEquals(OptionalDouble.empty(), PyFloat.parse("eight"));
        assertEquals(OptionalDouble.empty(), PyFloat.parse("1d"));
        assertEquals(OptionalDouble.empty(), PyFloat.parse("0x10"));
        assertEquals(OptionalDouble.empty(), PyFloat.parse(""));
        assertEquals(OptionalDouble.empty(), PyFloat.parse("1__0"));
    }
}
