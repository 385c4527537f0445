package io.imageclassifier.bench;

/**
 * What a run prints as it goes: sections stamped with the seconds since the start, indented
 * lines and tables, and problems, which the results keep too (a run with any exits 1).
 */
final class Console {

    private static final String INDENT = "    ";

    private final BenchResults results;
    private final long startNanos = System.nanoTime();

    Console(BenchResults results) {
        this.results = results;
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void section(String title) {
        System.out.printf("%n==> %s (at %s s)%n", title, Figures.f1(secondsSinceStart()));
        System.out.flush();
    }

    void info(String message) {
        System.out.println(INDENT + message);
        System.out.flush();
    }

    void problem(String message) {
        results.errors.add(message);
        info("PROBLEM: " + message);
    }

    void blankLine() {
        System.out.println();
    }

    void table(TextTable table) {
        System.out.print(table.render(INDENT));
        System.out.flush();
    }

    /** The failed requests of a load, counted by reason; nothing when all succeeded. */
    void failures(BenchResults.Load load) {
        if (load.failed() == 0) {
            return;
        }
        info(load.name() + ": " + load.failed() + " of " + load.requests() + " requests failed:");
        load.failures().forEach((why, n) -> info("  " + n + " x " + why));
    }
}
