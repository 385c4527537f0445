package io.imageclassifier.bench;

/** How the benchmark writes its numbers: one or two decimals in text, rounded in results.json. */
final class Figures {

    private Figures() {
    }

    /** One decimal, "-" for a figure not measured (NaN). */
    static String f1(double v) {
        return TextTable.format(v, 1);
    }

    static String f2(double v) {
        return TextTable.format(v, 2);
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
