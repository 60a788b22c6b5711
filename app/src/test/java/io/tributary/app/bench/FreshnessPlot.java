package io.tributary.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** An SVG of freshness over time: one dot per batch (commit time, ms until readable), p50 and p99 lines. */
final class FreshnessPlot {
    private static final int W = 720;
    private static final int H = 320;
    private static final int LEFT = 60;
    private static final int BOTTOM = 40;
    private static final int TOP = 30;

    private FreshnessPlot() {}

    /** {@code points}: {milliseconds since the run started, freshness in ms}. */
    static void write(Path file, String title, List<long[]> points, long p50, long p99) throws IOException {
        long maxX = Math.max(1, points.stream().mapToLong(p -> p[0]).max().orElse(1));
        long maxY = Math.max(100, points.stream().mapToLong(p -> p[1]).max().orElse(100));
        maxY = ((maxY + 249) / 250) * 250;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(W).append("' height='").append(H)
                .append("' font-family='sans-serif' font-size='11'>\n<rect width='100%' height='100%' fill='white'/>\n")
                .append("<text x='").append(LEFT).append("' y='18' font-size='13'>").append(title).append("</text>\n");
        int plotW = W - LEFT - 20;
        int plotH = H - TOP - BOTTOM;
        for (long y = 0; y <= maxY; y += 250) {
            double py = TOP + plotH - (double) y / maxY * plotH;
            svg.append(String.format("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/><text x='%d' y='%.1f' "
                    + "text-anchor='end'>%d ms</text>%n", LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, y));
        }
        for (long x = 0; x <= maxX; x += 5000) {
            double px = LEFT + (double) x / maxX * plotW;
            svg.append(String.format("<text x='%.1f' y='%d' text-anchor='middle'>%d s</text>%n", px, H - BOTTOM + 16, x / 1000));
        }
        for (long[] p : points) {
            svg.append(String.format("<circle cx='%.1f' cy='%.1f' r='1.8' fill='#1f77b4'/>%n",
                    LEFT + (double) p[0] / maxX * plotW, TOP + plotH - (double) p[1] / maxY * plotH));
        }
        for (long[] line : new long[][] {{p50, 0x2ca02c}, {p99, 0xd62728}}) {
            double py = TOP + plotH - (double) line[0] / maxY * plotH;
            svg.append(String.format("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#%06x' stroke-dasharray='4 3'/>"
                    + "<text x='%d' y='%.1f' fill='#%06x' text-anchor='end'>%s %d ms</text>%n", LEFT, py, LEFT + plotW, py,
                    line[1], LEFT + plotW, py - 4, line[1], line[0] == p50 ? "p50" : "p99", line[0]));
        }
        svg.append(String.format("<text x='%d' y='%d' text-anchor='middle'>MySQL commit time (s into the run)</text>%n",
                LEFT + plotW / 2, H - 6));
        svg.append("</svg>\n");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }
}
