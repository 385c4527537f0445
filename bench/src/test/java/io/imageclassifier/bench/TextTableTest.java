package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void padsColumnsAndRightAlignsNumbers() {
        String table = new TextTable("clients", "req/s", "note")
                .row(1, 12.345, "first")
                .row(64, Double.NaN, "x")
                .render("  ");
        assertEquals("""
                  clients  req/s  note
                  -------  -----  -----
                        1   12.3  first
                       64      -  x
                """, table);
    }

    @Test
    void aHeaderWiderThanItsCellsSetsTheWidth() {
        assertEquals("""
                a  long header
                -  -----------
                x            7
                """, new TextTable("a", "long header").row("x", 7).toString());
    }

    @Test
    void nullAndNaNPrintAsADash() {
        assertEquals("-", TextTable.cell(null));
        assertEquals("-", TextTable.cell(Double.NaN));
        assertEquals("-", TextTable.format(Double.POSITIVE_INFINITY, 2));
        assertEquals("2.50", TextTable.format(2.5, 2));
        assertEquals("1234.6", TextTable.cell(1234.56));
    }

    @Test
    void textColumnsStayLeftAligned() {
        assertEquals("""
                name   n
                -----  -
                start  1
                end    2
                """, new TextTable("name", "n").row("start", 1).row("end", 2).toString());
    }

    @Test
    void refusesARowOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("a", "b").row(1));
    }

    @Test
    void anEmptyTableIsItsHeader() {
        assertEquals("a  b\n-  -\n", new TextTable("a", "b").toString());
    }
}
