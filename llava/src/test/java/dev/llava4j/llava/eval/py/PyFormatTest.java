package dev.llava4j.llava.eval.py;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PyFormatTest {

    @Test
    void fixedRoundsTheBinaryValueHalfEven() {
        // Python: '%.2f' % 1.005 == '1.00' (1.005 is below the tie in binary), '%.2f' % 0.125 == '0.12' (exact tie)
        assertEquals("1.00", PyFormat.fixed(1.005, 2));
        assertEquals("0.12", PyFormat.fixed(0.125, 2));
        assertEquals("0.38", PyFormat.fixed(0.375, 2));
        assertEquals("74.06", PyFormat.fixed(74.06250000000001, 2));
        assertEquals("-0.00", PyFormat.fixed(-0.001, 2));
        assertEquals("100.00", PyFormat.fixed(100.0, 2));
    }

    @Test
    void roundMatchesPythonRound() {
        assertEquals(2.67, PyFormat.round(2.675, 2)); // binary 2.67499999...
        assertEquals(0.12, PyFormat.round(0.125, 2));
        assertEquals(77.0, PyFormat.round(77.04225352112677, 1));
        assertEquals(6.425, PyFormat.round(6.425, 3));
    }

    @Test
    void reprIsPythonsShortestForm() {
        assertEquals("925.0", PyFormat.repr(925.0));
        assertEquals("99.99999999999999", PyFormat.repr(99.99999999999999));
        assertEquals("0.7406250000000001", PyFormat.repr(0.7406250000000001));
        assertEquals("0.0001", PyFormat.repr(1e-4));
        assertEquals("1e-05", PyFormat.repr(1e-5));
        assertEquals("1e+16", PyFormat.repr(1e16));
        assertEquals("1234567890123456.0", PyFormat.repr(1234567890123456.0));
        assertEquals("-2.5", PyFormat.repr(-2.5));
        assertEquals("1.5e-07", PyFormat.repr(1.5e-7));
    }
}
