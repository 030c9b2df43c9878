package parley.membership.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as a self-contained SVG string, written by hand (no plotting library): axes with
 * ticks, optional logarithmic x, one polyline with markers per series, a legend.
 */
public final class SvgPlot {
    private static final int WIDTH = 860;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 260;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    /** One line: points (x[i], y[i]); a NaN y is a gap. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final List<Series> series = new ArrayList<>();

    public SvgPlot(String title, String xLabel, String yLabel, boolean logX) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
    }

    public SvgPlot add(Series line) {
        series.add(line);
        return this;
    }

    public String render() {
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                if (!Double.isNaN(s.y()[i])) yMax = Math.max(yMax, s.y()[i]);
            }
        }
        if (xMin == Double.MAX_VALUE) { xMin = 0; xMax = 1; }
        if (xMax == xMin) xMax = xMin + 1;
        yMax = niceCeiling(yMax <= 0 ? 1 : yMax * 1.05);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"25\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        axes(svg, xMin, xMax, yMax);
        for (int i = 0; i < series.size(); i++) line(svg, series.get(i), COLORS[i % COLORS.length], xMin, xMax, yMax, i);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void axes(StringBuilder svg, double xMin, double xMax, double yMax) {
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, plotBottom, plotRight, plotBottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT, plotBottom));
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            double y = yOf(value, yMax);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, plotRight, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, format(value)));
        }
        for (double tick : xTicks(xMin, xMax)) {
            double x = xOf(tick, xMin, xMax);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>%n", x, plotBottom, x, plotBottom + 5));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, plotBottom + 20, format(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (LEFT + plotRight) / 2, HEIGHT - 15, escape(xLabel + (logX ? " (log scale)" : ""))));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n", (TOP + plotBottom) / 2, escape(yLabel)));
    }

    private void line(StringBuilder svg, Series s, String color, double xMin, double xMax, double yMax, int index) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isNaN(s.y()[i])) continue;
            double x = xOf(s.x()[i], xMin, xMax);
            double y = yOf(s.y()[i], yMax);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
        }
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                points.toString().strip(), color, s.dashed() ? " stroke-dasharray=\"6,4\"" : ""));
        int legendY = TOP + 10 + index * 20;
        int legendX = WIDTH - RIGHT + 15;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                legendX, legendY, legendX + 25, legendY, color, s.dashed() ? " stroke-dasharray=\"6,4\"" : ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", legendX + 32, legendY + 4, escape(s.name())));
    }

    private double xOf(double value, double xMin, double xMax) {
        double span = WIDTH - RIGHT - LEFT;
        if (logX) return LEFT + span * (Math.log(value) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin));
        return LEFT + span * (value - xMin) / (xMax - xMin);
    }

    private static double yOf(double value, double yMax) {
        double span = HEIGHT - BOTTOM - TOP;
        return HEIGHT - BOTTOM - span * value / yMax;
    }

    private List<Double> xTicks(double xMin, double xMax) {
        List<Double> ticks = new ArrayList<>();
        for (Series s : series) for (double x : s.x()) if (!ticks.contains(x)) ticks.add(x);
        ticks.sort(Double::compare);
        return ticks;
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) return step * magnitude;
        }
        return 10 * magnitude;
    }

    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) return String.valueOf((long) value);
        return String.format(Locale.ROOT, Math.abs(value) < 1 ? "%.3g" : "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
