package parley.cli;

import java.util.ArrayList;
import java.util.List;

/** Parses seed lists: {@code 7}, {@code 1..500}, {@code 1,5,9}, or a mix ({@code 1..3,10}). */
final class SeedRange {
    static final int MAX_SEEDS = 1_000_000;

    private SeedRange() {}

    static List<Long> parse(String text) {
        List<Long> seeds = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) throw new UserError("--seeds: empty element in '" + text + "'");
            int dots = p.indexOf("..");
            if (dots < 0) {
                seeds.add(number(p, text));
                continue;
            }
            long from = number(p.substring(0, dots), text);
            long to = number(p.substring(dots + 2), text);
            if (to < from) throw new UserError("--seeds: range " + p + " is empty (end before start)");
            if (to - from >= MAX_SEEDS || seeds.size() + (to - from + 1) > MAX_SEEDS) {
                throw new UserError("--seeds: at most " + MAX_SEEDS + " seeds per run");
            }
            for (long s = from; s <= to; s++) seeds.add(s);
        }
        return seeds;
    }

    private static long number(String s, String whole) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new UserError("--seeds: '" + s + "' is not a number (in '" + whole + "'; expected e.g. 7, 1..500 or 1,5,9)");
        }
    }
}
