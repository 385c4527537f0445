package io.imageclassifier.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * bench.png: six panels. The ceiling per batch size (with the daemon's own batches under load
 * beside it), throughput against concurrency with the ceiling as a line, p50/p99 latency against
 * concurrency, the histogram of the batch sizes the daemon ran during the sweep (each size
 * weighted by the images it carried), the CPU time per request by part of the stack, and the
 * summary as text.
 */
public final class Charts {

    static final int PANEL_WIDTH = 800;
    static final int PANEL_HEIGHT = 480;

    private Charts() {
    }

    /** Six panels, two a row; the last one is the summary as text. */
    public static void write(BenchResults results, Path file, List<String> summary) throws IOException {
        List<BufferedImage> panels = new ArrayList<>();
        panels.add(ceilingPanel(results));
        panels.add(throughputPanel(results));
        panels.add(latencyPanel(results));
        panels.add(batchPanel(results));
        panels.add(cpuPanel(results));
        panels.add(textPanel("Summary", summary));
        int rows = (panels.size() + 1) / 2;
        BufferedImage all = new BufferedImage(PANEL_WIDTH * 2, PANEL_HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % 2) * PANEL_WIDTH, (i / 2) * PANEL_HEIGHT, null);
        }
        g.setColor(new Color(200, 200, 200));
        g.setStroke(new BasicStroke(1));
        g.drawLine(PANEL_WIDTH, 0, PANEL_WIDTH, all.getHeight());
        for (int r = 1; r < rows; r++) {
            g.drawLine(0, r * PANEL_HEIGHT, all.getWidth(), r * PANEL_HEIGHT);
        }
        g.dispose();
        ImageIO.write(all, "png", file.toFile());
    }

    public static void write(BenchResults results, Path file) throws IOException {
        write(results, file, List.of());
    }

    /** Lines of text, wrapped to the panel's width. */
    static BufferedImage textPanel(String title, List<String> lines) {
        BufferedImage image = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, PANEL_WIDTH, PANEL_HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 30);
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13));
        java.awt.FontMetrics fm = g.getFontMetrics();
        int y = 60;
        for (String line : lines) {
            String rest = line;
            String indent = "";
            while (!rest.isEmpty() && y < PANEL_HEIGHT - 10) {
                int n = rest.length();
                while (n > 1 && fm.stringWidth(indent + rest.substring(0, n)) > PANEL_WIDTH - 40) {
                    int space = rest.lastIndexOf(' ', n - 1);
                    n = space > 0 ? space : n - 1;
                }
                g.drawString(indent + rest.substring(0, n), 20, y);
                y += fm.getHeight();
                rest = rest.substring(n).stripLeading();
                indent = "              ";
            }
        }
        g.dispose();
        return image;
    }

    /** CPU ms per request by part of the stack, stacked, per load measurement. */
    static BufferedImage cpuPanel(BenchResults r) {
        String title = "CPU time per request by part of the stack";
        List<BenchResults.Load> loads = new ArrayList<>();
        if (r.light != null) {
            loads.add(r.light.load());
        }
        loads.addAll(r.sweep);
        if (r.stress != null) {
            loads.add(r.stress.load());
        }
        loads.removeIf(l -> l.cpuMsPerRequest() == null || l.cpuMsPerRequest().isEmpty());
        if (loads.isEmpty()) {
            return empty(title, "no load phase run");
        }
        CategoryChart chart = chart(title, "load (light = one at a time; N = N clients; stress = open loop)",
                "CPU ms per request");
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> names = new ArrayList<>();
        for (BenchResults.Load l : loads) {
            names.add(l.name().replace("clients=", ""));
        }
        for (String part : List.of("daemon", "tomcat", "apache", "redis", "client")) {
            List<Double> ms = new ArrayList<>();
            for (BenchResults.Load l : loads) {
                Double v = l.cpuMsPerRequest().get(part);
                ms.add(v == null || !Double.isFinite(v) ? 0.0 : v);
            }
            chart.addSeries(part, names, ms);
        }
        return image(chart);
    }

    private static CategoryChart chart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        org.knowm.xchart.style.CategoryStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        return chart;
    }

    private static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** A blank panel that says why it is blank. */
    private static BufferedImage empty(String title, String why) {
        BufferedImage image = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, PANEL_WIDTH, PANEL_HEIGHT);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(why, 20, PANEL_HEIGHT / 2);
        g.dispose();
        return image;
    }

    static BufferedImage ceilingPanel(BenchResults r) {
        String title = "Ceiling: bare ONNX Runtime, images/s per batch size";
        if (r.ceiling == null || r.ceiling.rows().isEmpty()) {
            return empty(title, "ceiling phase not run");
        }
        CategoryChart chart = chart(title, "batch size", "images/s");
        List<String> sizes = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> daemon = new ArrayList<>();
        BatchLog.BatchStats sweepBatches = sweepBatchStats(r);
        boolean anyDaemon = false;
        for (CeilingBench.Row row : r.ceiling.rows()) {
            sizes.add(Integer.toString(row.batch()));
            bare.add(row.imagesPerSecond());
            double ms = sweepBatches.meanInferenceMs(row.batch());
            daemon.add(Double.isFinite(ms) && ms > 0 ? row.batch() * 1000.0 / ms : 0.0);
            anyDaemon |= Double.isFinite(ms) && ms > 0;
        }
        chart.addSeries("bare ONNX Runtime (" + r.ceiling.device() + ", " + r.ceiling.threads() + " threads)", sizes, bare);
        if (anyDaemon) {
            // Same batch sizes, timed by the daemon while Tomcat decoded uploads on the same cores.
            chart.addSeries("daemon during the sweep (mean, 0 = no batch of that size)", sizes, daemon);
        }
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setDecimalPattern("#0.0");
        return image(chart);
    }

    static BufferedImage throughputPanel(BenchResults r) {
        String title = "Throughput through Apache vs concurrency (closed loop)";
        if (r.sweep.isEmpty()) {
            return empty(title, "sweep phase not run");
        }
        CategoryChart chart = chart(title, "concurrent clients", "successful requests/s");
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);
        List<String> clients = new ArrayList<>();
        List<Double> rps = new ArrayList<>();
        for (BenchResults.Load level : r.sweep) {
            clients.add(Integer.toString(level.clients()));
            rps.add(level.throughputPerSecond());
        }
        CategorySeries measured = chart.addSeries("measured", clients, rps);
        measured.setMarker(SeriesMarkers.CIRCLE);
        measured.setLineColor(new Color(31, 119, 180));
        measured.setMarkerColor(new Color(31, 119, 180));
        double top = rps.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        if (r.ceiling != null && Double.isFinite(r.ceiling.bestImagesPerSecond())) {
            double best = r.ceiling.bestImagesPerSecond();
            CategorySeries ceiling = chart.addSeries(String.format("ceiling: %.1f img/s (bare, batch %d)", best,
                    r.ceiling.bestBatch()), clients, constant(best, clients.size()));
            ceiling.setMarker(SeriesMarkers.NONE);
            ceiling.setLineStyle(SeriesLines.DASH_DASH);
            ceiling.setLineColor(new Color(214, 39, 40));
            double b1 = 1000.0 / r.ceiling.batch1Ms();
            if (Double.isFinite(b1)) {
                CategorySeries one = chart.addSeries(String.format("bare batch 1: %.1f img/s", b1), clients,
                        constant(b1, clients.size()));
                one.setMarker(SeriesMarkers.NONE);
                one.setLineStyle(SeriesLines.DOT_DOT);
                one.setLineColor(new Color(120, 120, 120));
            }
            top = Math.max(top, best);
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.ceil(top * 1.15 / 5) * 5);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return image(chart);
    }

    static BufferedImage latencyPanel(BenchResults r) {
        String title = "Latency through Apache vs concurrency (log scale)";
        if (r.sweep.isEmpty()) {
            return empty(title, "sweep phase not run");
        }
        CategoryChart chart = chart(title, "concurrent clients", "ms (successful requests)");
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setYAxisLogarithmic(true);
        List<String> clients = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (BenchResults.Load level : r.sweep) {
            clients.add(Integer.toString(level.clients()));
            // A log axis cannot show 0 or NaN (a level where nothing succeeded): 1 ms stands for it.
            p50.add(positive(level.latencyMs().p50()));
            p99.add(positive(level.latencyMs().p99()));
        }
        CategorySeries s99 = chart.addSeries("p99", clients, p99);
        s99.setMarker(SeriesMarkers.DIAMOND);
        s99.setLineColor(new Color(214, 39, 40));
        s99.setMarkerColor(new Color(214, 39, 40));
        CategorySeries s50 = chart.addSeries("p50", clients, p50);
        s50.setMarker(SeriesMarkers.CIRCLE);
        s50.setLineColor(new Color(31, 119, 180));
        s50.setMarkerColor(new Color(31, 119, 180));
        if (r.ceiling != null && Double.isFinite(r.ceiling.batch1Ms())) {
            CategorySeries b1 = chart.addSeries(String.format("bare inference, batch 1: %.1f ms", r.ceiling.batch1Ms()),
                    clients, constant(r.ceiling.batch1Ms(), clients.size()));
            b1.setMarker(SeriesMarkers.NONE);
            b1.setLineStyle(SeriesLines.DOT_DOT);
            b1.setLineColor(new Color(120, 120, 120));
        }
        return image(chart);
    }

    static BufferedImage batchPanel(BenchResults r) {
        // Weighted by images: a level with 32-image batches runs few batches but as many images
        // as a level of single images, and would vanish in a plain count of batches.
        String title = "Batch sizes the daemon ran during the sweep, by images";
        BatchLog.BatchStats all = sweepBatchStats(r);
        if (all.batches() == 0) {
            return empty(title, r.sweep.isEmpty() ? "sweep phase not run" : "no batch lines in the daemon log");
        }
        CategoryChart chart = chart(title, "batch size", "images in batches of that size");
        chart.getStyler().setStacked(true);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int max = new TreeSet<>(all.histogram().keySet()).last();
        List<String> sizes = new ArrayList<>();
        for (int n = 1; n <= max; n++) {
            sizes.add(Integer.toString(n));
        }
        for (BenchResults.Load level : r.sweep) {
            Map<Integer, Long> h = level.batches().histogram();
            if (h.isEmpty()) {
                continue;
            }
            List<Long> counts = new ArrayList<>();
            for (int n = 1; n <= max; n++) {
                counts.add(n * h.getOrDefault(n, 0L));
            }
            chart.addSeries(String.format("%d clients, mean %.1f", level.clients(), level.batches().meanBatch()),
                    sizes, counts);
        }
        if (max > 16) {
            chart.getStyler().setXAxisLabelRotation(0);
            chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        }
        return image(chart);
    }

    static BatchLog.BatchStats sweepBatchStats(BenchResults r) {
        BatchLog.BatchStats all = BatchLog.BatchStats.NONE;
        for (BenchResults.Load level : r.sweep) {
            BenchResults.Batches b = level.batches();
            Map<Integer, Long> inference = new java.util.TreeMap<>();
            b.meanInferenceMsBySize().forEach((n, ms) -> {
                if (Double.isFinite(ms)) {
                    inference.put(n, Math.round(ms * b.histogram().getOrDefault(n, 0L)));
                }
            });
            all = all.plus(new BatchLog.BatchStats(b.histogram(), inference, b.batches(), b.images(),
                    b.batches(), inference.values().stream().mapToLong(Long::longValue).sum(), false));
        }
        return all;
    }

    private static List<Double> constant(double value, int n) {
        List<Double> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(value);
        }
        return list;
    }

    private static double positive(double ms) {
        return Double.isFinite(ms) && ms > 0 ? ms : 1.0;
    }
}
