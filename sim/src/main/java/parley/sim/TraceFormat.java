package parley.sim;

/**
 * Deterministic rendering for trace lines, JDK-independent: virtual timestamps ({@code +12.000345678s}),
 * durations and decimals. For harness code that writes its own lines too.
 */
public final class TraceFormat {
    private TraceFormat() {}

    public static StringBuilder stamp(long nowNs) {
        StringBuilder line = new StringBuilder(96);
        line.append('+').append(nowNs / 1_000_000_000L).append('.');
        String fraction = Long.toString(nowNs % 1_000_000_000L);
        for (int pad = fraction.length(); pad < 9; pad++) {
            line.append('0');
        }
        return line.append(fraction).append("s ");
    }

    /**
     * A double with three decimals, by integer arithmetic: {@code Double.toString} changed its output
     * for some values between JDK releases, and traces must not depend on the JDK.
     */
    public static String decimal3(double value) {
        long thousandths = Math.round(value * 1000);
        String sign = thousandths < 0 ? "-" : "";
        long magnitude = Math.abs(thousandths);
        String fraction = Long.toString(magnitude % 1000);
        return sign + magnitude / 1000 + "." + "000".substring(fraction.length()) + fraction;
    }

    /** A duration in seconds with millisecond precision, for descriptions: {@code 1.250s}. */
    public static String seconds(long durationNs) {
        long millis = durationNs / 1_000_000L;
        String fraction = Long.toString(millis % 1000);
        return (millis / 1000) + "." + "000".substring(fraction.length()) + fraction + "s";
    }
}
