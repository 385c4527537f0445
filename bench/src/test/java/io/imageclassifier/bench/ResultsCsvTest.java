package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResultsCsvTest {

    @Test
    void oneFigureALineUnderTheHeader() {
        String csv = new ResultsCsv()
                .add("ceiling", "batch=8", "images_per_s", 52.25, "1/s")
                .add("sweep", "clients=4", "failed", 0, "")
                .add("light", "clients=1", "overhead_ms", Double.NaN, "ms")
                .render();
        assertEquals("""
                phase,level,metric,value,unit
                ceiling,batch=8,images_per_s,52.25,1/s
                sweep,clients=4,failed,0,
                light,clients=1,overhead_ms,,ms
                """, csv);
    }

    @Test
    void numbersKeepThreeDecimalsAtMost() {
        assertEquals("3", ResultsCsv.number(3.0));
        assertEquals("3.142", ResultsCsv.number(Math.PI));
        assertEquals("0.5", ResultsCsv.number(0.5));
        assertEquals("-1.25", ResultsCsv.number(-1.25));
        assertEquals("", ResultsCsv.number(Double.NaN));
        assertEquals("", ResultsCsv.number(Double.NEGATIVE_INFINITY));
        assertEquals("1000000", ResultsCsv.number(1e6));
    }

    @Test
    void fieldsWithCommasOrQuotesAreQuoted() {
        assertEquals("\"count=500,interval=0.05\"", ResultsCsv.field("count=500,interval=0.05"));
        assertEquals("\"say \"\"hi\"\"\"", ResultsCsv.field("say \"hi\""));
        assertEquals("plain", ResultsCsv.field("plain"));
        assertEquals("", ResultsCsv.field(null));
        assertEquals("stress,\"count=500,interval=0.05\",ok,500,\n",
                new ResultsCsv().add("stress", "count=500,interval=0.05", "ok", 500, "").render()
                        .substring(ResultsCsv.HEADER.length() + 1));
    }
}
