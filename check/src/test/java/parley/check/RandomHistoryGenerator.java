package parley.check;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Generates histories that are linearizable by construction: clients issue operations with random
 * latencies and think times, each operation takes effect on a simulated register at a random
 * instant between its invoke and its completion, and what each client observes is recorded. Some
 * operations end with {@code info} (taking effect or not, at random) and some never complete at
 * all, like a crashed client; a crashed client carries on under a fresh process id, as in Jepsen.
 *
 * <p>{@link #mutateReadNeverWritten}, {@link #mutateStaleRead} and {@link #mutateNonMonotonicRead}
 * then break a history in ways that are certainly not linearizable.
 */
final class RandomHistoryGenerator {

    /**
     * Shape of a generated history. Percentages are of all operations (action mix) or of the
     * operations of each kind (outcomes).
     *
     * @param clients concurrent clients
     * @param operations operations in total
     * @param keys registers, named "k0", "k1", ...
     * @param readPercent share of reads
     * @param casPercent share of compare-and-sets
     * @param appendPercent share of appends (the rest are writes)
     * @param infoPercent share of operations whose outcome is unknown
     * @param crashPercent share of unknown-outcome operations that never complete at all
     * @param failPercent share of reads, writes and appends that fail without effect
     * @param latencyNsMax longest operation
     * @param thinkNsMax longest pause of a client between operations
     */
    record Config(int clients, int operations, int keys, int readPercent, int casPercent, int appendPercent,
            int infoPercent, int crashPercent, int failPercent, long latencyNsMax, long thinkNsMax) {
        Config {
            if (clients < 1 || operations < 0 || keys < 1 || latencyNsMax < 2 || thinkNsMax < 0
                    || readPercent + casPercent + appendPercent > 100) {
                throw new IllegalArgumentException("bad generator config: clients " + clients + ", operations " + operations + ", keys " + keys
                        + ", latency " + latencyNsMax + ", think " + thinkNsMax + ", mix " + readPercent + "/" + casPercent + "/" + appendPercent);
            }
        }
    }

    /** One generated operation, mutable so that tests can break it. */
    static final class GeneratedOp {
        int index;
        int process;
        Action action;
        String key;
        Value input;
        Value output = Value.NULL;
        Outcome outcome = Outcome.OK;
        boolean completes = true;
        long invokeNs;
        long effectNs;
        long completeNs;
    }

    private RandomHistoryGenerator() {}

    /** A linearizable history as a list of operations, deterministic in {@code seed}. */
    static List<GeneratedOp> generate(Config config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<GeneratedOp> ops = schedule(config, random);
        applyInEffectOrder(config, ops, random);
        return ops;
    }

    /** Times and processes: each client invokes again a think time after its previous completion. */
    private static List<GeneratedOp> schedule(Config config, SplittableRandom random) {
        record Client(int id, long freeAtNs) {}
        PriorityQueue<Client> clients = new PriorityQueue<>(Comparator.comparingLong(Client::freeAtNs).thenComparingInt(Client::id));
        int[] processOfClient = new int[config.clients()];
        for (int c = 0; c < config.clients(); c++) {
            clients.add(new Client(c, random.nextLong(config.thinkNsMax() + 1)));
            processOfClient[c] = c;
        }
        int nextProcess = config.clients();
        List<GeneratedOp> ops = new ArrayList<>(config.operations());
        for (int i = 0; i < config.operations(); i++) {
            Client client = clients.poll();
            GeneratedOp op = new GeneratedOp();
            op.index = i;
            op.process = processOfClient[client.id()];
            op.key = "k" + random.nextInt(config.keys());
            op.action = chooseAction(config, random);
            long latencyNs = 2 + random.nextLong(config.latencyNsMax() - 1);
            op.invokeNs = client.freeAtNs();
            op.completeNs = op.invokeNs + latencyNs;
            op.effectNs = op.invokeNs + 1 + random.nextLong(latencyNs - 1);
            if (random.nextInt(100) < config.infoPercent()) {
                op.outcome = Outcome.INFO;
                op.completes = random.nextInt(100) >= config.crashPercent();
            }
            if (!op.completes) {
                processOfClient[client.id()] = nextProcess++;
            }
            ops.add(op);
            clients.add(new Client(client.id(), op.completeNs + random.nextLong(config.thinkNsMax() + 1)));
        }
        return ops;
    }

    private static Action chooseAction(Config config, SplittableRandom random) {
        int roll = random.nextInt(100);
        if (roll < config.readPercent()) {
            return Action.READ;
        }
        if (roll < config.readPercent() + config.casPercent()) {
            return Action.CAS;
        }
        if (roll < config.readPercent() + config.casPercent() + config.appendPercent()) {
            return Action.APPEND;
        }
        return Action.WRITE;
    }

    /** Runs the operations against registers in effect-time order, deciding arguments and results. */
    private static void applyInEffectOrder(Config config, List<GeneratedOp> ops, SplittableRandom random) {
        Map<String, Value> registers = new HashMap<>();
        Map<String, List<Value>> written = new HashMap<>();
        long nextValue = 1;
        List<GeneratedOp> byEffect = new ArrayList<>(ops);
        byEffect.sort(Comparator.comparingLong((GeneratedOp op) -> op.effectNs).thenComparingInt(op -> op.index));
        for (GeneratedOp op : byEffect) {
            Value current = registers.getOrDefault(op.key, Value.NULL);
            List<Value> history = written.computeIfAbsent(op.key, key -> new ArrayList<>(List.of(Value.NULL)));
            boolean fails = op.outcome == Outcome.OK && op.action != Action.CAS && random.nextInt(100) < config.failPercent();
            // An unknown outcome hides whether the operation took effect; decide it here, invisibly.
            boolean effective = !fails && (op.outcome != Outcome.INFO || random.nextBoolean());
            if (fails) {
                op.outcome = Outcome.FAIL;
            }
            Value after = current;
            switch (op.action) {
                case READ -> {
                    op.input = Value.NULL;
                    op.output = op.outcome == Outcome.OK ? current : Value.NULL;
                }
                case WRITE -> {
                    op.input = Value.of(nextValue++);
                    after = effective ? op.input : current;
                }
                case APPEND -> {
                    op.input = Value.of("a" + nextValue++ + ";");
                    after = effective ? Value.of(textOf(current) + ((Value.Str) op.input).text()) : current;
                }
                case CAS -> {
                    Value expected = random.nextBoolean() ? current : history.get(random.nextInt(history.size()));
                    op.input = Value.pair(expected, Value.of(nextValue++));
                    boolean matches = expected.equals(current);
                    if (op.outcome == Outcome.OK && !matches) {
                        op.outcome = Outcome.FAIL;
                    }
                    after = effective && matches ? ((Value.Pair) op.input).replacement() : current;
                }
            }
            if (!after.equals(current)) {
                registers.put(op.key, after);
                history.add(after);
            }
        }
    }

    private static String textOf(Value value) {
        return switch (value) {
            case Value.Null absent -> "";
            case Value.Str text -> text.text();
            case Value.Num number -> number.decimal();
            case Value.Pair pair -> throw new IllegalStateException("registers hold no pairs");
        };
    }

    /** The operations as history text, written with {@link HistoryWriter}, with times. */
    static String render(List<GeneratedOp> ops) {
        record Line(long timeNs, int order, GeneratedOp op, boolean invoke) {}
        List<Line> lines = new ArrayList<>();
        for (GeneratedOp op : ops) {
            lines.add(new Line(op.invokeNs, 2 * op.index, op, true));
            if (op.completes) {
                lines.add(new Line(op.completeNs, 2 * op.index + 1, op, false));
            }
        }
        lines.sort(Comparator.comparingLong(Line::timeNs).thenComparingInt(Line::order));
        StringWriter text = new StringWriter();
        try (HistoryWriter writer = new HistoryWriter(text)) {
            for (Line line : lines) {
                GeneratedOp op = line.op();
                if (line.invoke()) {
                    writer.invoke(op.process, op.action, op.key, op.input, line.timeNs());
                } else {
                    Value value = op.action == Action.READ ? op.output : op.input;
                    writer.complete(op.process, op.outcome, op.action, op.key, value, line.timeNs());
                }
            }
        }
        return text.toString();
    }

    /** Parses rendered text back into a history named {@code name}. */
    static History parse(String text, String name) {
        try {
            return HistoryReader.read(new StringReader(text), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (HistoryFormatException e) {
            throw new AssertionError("generated history is malformed: " + e.getMessage(), e);
        }
    }

    /** Generates, renders and parses: the path a simulator's recording takes. */
    static History history(Config config, long seed) {
        return parse(render(generate(config, seed)), "generated-" + seed);
    }

    /**
     * Makes one ok read return a number no operation writes (generated values are positive).
     * Returns the mutated read, or null if the history has no ok read.
     */
    static GeneratedOp mutateReadNeverWritten(List<GeneratedOp> ops, SplittableRandom random) {
        List<GeneratedOp> reads = ops.stream().filter(op -> op.action == Action.READ && op.outcome == Outcome.OK).toList();
        if (reads.isEmpty()) {
            return null;
        }
        GeneratedOp read = reads.get(random.nextInt(reads.size()));
        read.output = Value.of(-1 - random.nextInt(1000));
        return read;
    }

    /**
     * Makes one ok read return a value that was certainly overwritten before the read began: the
     * value of an ok write {@code old} that completed before another ok write {@code newer} began,
     * which completed before the read began. Values are unique, so nothing else could produce it.
     * Returns the mutated read, or null if the history has no such triple.
     */
    static GeneratedOp mutateStaleRead(List<GeneratedOp> ops, SplittableRandom random) {
        List<GeneratedOp> candidates = new ArrayList<>(ops.stream()
                .filter(op -> op.action == Action.READ && op.outcome == Outcome.OK).toList());
        while (!candidates.isEmpty()) {
            GeneratedOp read = candidates.remove(random.nextInt(candidates.size()));
            GeneratedOp newer = latestWriteBefore(ops, read.key, read.invokeNs);
            GeneratedOp old = newer == null ? null : latestWriteBefore(ops, read.key, newer.invokeNs);
            if (old != null && !old.input.equals(read.output)) {
                read.output = old.input;
                return read;
            }
        }
        return null;
    }

    /**
     * Makes a read go back in time: reads r1 then r2 (r1 returned before r2 began), r1 saw the value
     * of ok write {@code newer}, and r2 is changed to see the value of an ok write {@code older} that
     * returned before {@code newer} began. {@code newer} takes effect before r1, hence before r2, and
     * {@code older} before {@code newer}: r2 cannot see it. Chosen so that {@code newer} is still
     * running when r2 begins, so that no static rule catches it and the search has to.
     * Returns the mutated read, or null if the history has no such pattern.
     */
    static GeneratedOp mutateNonMonotonicRead(List<GeneratedOp> ops, SplittableRandom random) {
        Map<Value, GeneratedOp> writerOf = new HashMap<>();
        for (GeneratedOp op : ops) {
            if (op.action == Action.WRITE && op.outcome == Outcome.OK) {
                writerOf.put(op.input, op);
            }
        }
        List<GeneratedOp[]> patterns = new ArrayList<>();
        for (GeneratedOp first : ops) {
            GeneratedOp newer = first.action == Action.READ && first.outcome == Outcome.OK ? writerOf.get(first.output) : null;
            if (newer == null) {
                continue;
            }
            GeneratedOp older = latestWriteBefore(ops, newer.key, newer.invokeNs);
            for (GeneratedOp second : ops) {
                if (older != null && second.action == Action.READ && second.outcome == Outcome.OK && second.key.equals(first.key)
                        && second.invokeNs > first.completeNs && second.invokeNs < newer.completeNs) {
                    patterns.add(new GeneratedOp[] {second, older});
                }
            }
        }
        if (patterns.isEmpty()) {
            return null;
        }
        GeneratedOp[] chosen = patterns.get(random.nextInt(patterns.size()));
        chosen[0].output = chosen[1].input;
        return chosen[0];
    }

    /** The ok write on {@code key} that completed last before {@code timeNs}, or null. */
    private static GeneratedOp latestWriteBefore(List<GeneratedOp> ops, String key, long timeNs) {
        GeneratedOp latest = null;
        for (GeneratedOp op : ops) {
            if (op.action == Action.WRITE && op.outcome == Outcome.OK && op.key.equals(key) && op.completeNs < timeNs
                    && (latest == null || op.completeNs > latest.completeNs)) {
                latest = op;
            }
        }
        return latest;
    }
}
