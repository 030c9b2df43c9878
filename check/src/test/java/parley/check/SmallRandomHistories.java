package parley.check;

import java.io.StringWriter;
import java.util.SplittableRandom;

/**
 * Arbitrary small histories (not linearizable by construction): a few clients on one key, values
 * from a tiny domain so that reads often match some write, every outcome, invocations that never
 * complete, and random interleaving. A good share come out linearizable and a good share not, which
 * is what a comparison with a brute-force checker needs.
 */
final class SmallRandomHistories {
    private static final Value[] NUMBERS = {Value.NULL, Value.of(0), Value.of(1), Value.of(2)};
    private static final Value[] STRINGS = {Value.NULL, Value.of("a"), Value.of("b"), Value.of("ab"), Value.of("ba"), Value.of("aa")};

    private SmallRandomHistories() {}

    /** A history of {@code operations} invocations; with appends, values are strings. */
    static History generate(long seed, int operations, boolean withAppends) {
        SplittableRandom random = new SplittableRandom(seed);
        Value[] values = withAppends ? STRINGS : NUMBERS;
        StringWriter text = new StringWriter();
        try (HistoryWriter writer = new HistoryWriter(text)) {
            int clients = 1 + random.nextInt(4);
            int[] processOf = new int[clients];
            for (int c = 0; c < clients; c++) {
                processOf[c] = c;
            }
            int nextProcess = clients;
            Event[] outstanding = new Event[clients];
            int invoked = 0;
            int pending = 0;
            while (invoked < operations || pending > 0) {
                int client = random.nextInt(clients);
                Event invoke = outstanding[client];
                if (invoke == null) {
                    if (invoked < operations) {
                        outstanding[client] = randomInvoke(processOf[client], random, values, withAppends);
                        writer.write(outstanding[client]);
                        invoked++;
                        pending++;
                    }
                    continue;
                }
                outstanding[client] = null;
                pending--;
                int roll = random.nextInt(10);
                if (roll == 0) {
                    // Never completes, like a crashed client; the client carries on as a new process.
                    processOf[client] = nextProcess++;
                    continue;
                }
                Outcome outcome = roll < 7 ? Outcome.OK : roll < 9 ? Outcome.FAIL : Outcome.INFO;
                Value value = invoke.action() != Action.READ ? invoke.value()
                        : outcome == Outcome.OK ? values[random.nextInt(values.length)] : Value.NULL;
                writer.write(new Event(invoke.process(), outcome.eventType(), invoke.action(), invoke.key(), value));
            }
        }
        return RandomHistoryGenerator.parse(text.toString(), "small-" + seed);
    }

    private static Event randomInvoke(int process, SplittableRandom random, Value[] values, boolean withAppends) {
        return switch (random.nextInt(withAppends ? 4 : 3)) {
            case 0 -> new Event(process, EventType.INVOKE, Action.READ, "k", Value.NULL);
            case 1 -> new Event(process, EventType.INVOKE, Action.WRITE, "k", values[random.nextInt(values.length)]);
            case 2 -> new Event(process, EventType.INVOKE, Action.CAS, "k",
                    Value.pair(values[random.nextInt(values.length)], values[random.nextInt(values.length)]));
            default -> new Event(process, EventType.INVOKE, Action.APPEND, "k", Value.of(random.nextBoolean() ? "a" : "b"));
        };
    }
}
