package parley.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import parley.core.env.RandomSource;

/**
 * A network partition as a set of blocked directed links. Applying one to the {@link SimNetwork}
 * blocks its links; lifting it unblocks them. Partitions compose: a link stays blocked while any
 * applied partition blocks it.
 *
 * @param description how the trace shows it, e.g. {@code {n1,n2} | {n3,n4,n5}}
 * @param links       the blocked directed links, in a deterministic order
 */
public record Partition(String description, List<Link> links) {

    /** A directed link: messages from {@code from} to {@code to}. */
    public record Link(long from, long to) {}

    public Partition {
        links = List.copyOf(links);
    }

    /** Both directions blocked between every node of {@code sideA} and every node of {@code sideB}. */
    public static Partition between(Collection<Long> sideA, Collection<Long> sideB) {
        List<Link> links = new ArrayList<>();
        for (long a : sideA) {
            for (long b : sideB) {
                if (a != b) {
                    links.add(new Link(a, b));
                    links.add(new Link(b, a));
                }
            }
        }
        return new Partition(group(sideA) + " | " + group(sideB), links);
    }

    /** {@code node} cut off from every other node of {@code nodes}, both ways. */
    public static Partition isolate(long node, Collection<Long> nodes) {
        List<Long> others = new ArrayList<>();
        for (long other : nodes) {
            if (other != node) {
                others.add(other);
            }
        }
        Partition cut = between(List.of(node), others);
        return new Partition("isolate n" + node + ": " + cut.description, cut.links);
    }

    /** Messages from {@code from} to {@code to} are lost; the reverse direction still works. */
    public static Partition oneWay(long from, long to) {
        return new Partition("one-way n" + from + " -/-> n" + to, List.of(new Link(from, to)));
    }

    /**
     * Two halves that cannot talk to each other, each able to talk to {@code bridge}: the bridge node
     * sees everyone, so it may keep winning elections or relay stale state.
     */
    public static Partition bridge(Collection<Long> sideA, long bridge, Collection<Long> sideB) {
        Partition cut = between(sideA, sideB);
        return new Partition("bridge via n" + bridge + ": " + cut.description, cut.links);
    }

    /** A random split of {@code nodes} into a majority and a minority ({@code floor(n / 2)} nodes). */
    public static Partition majorityMinority(List<Long> nodes, RandomSource random) {
        List<Long> shuffled = shuffled(nodes, random);
        int minority = shuffled.size() / 2;
        return between(shuffled.subList(0, minority), shuffled.subList(minority, shuffled.size()));
    }

    /** One random node isolated from the rest. */
    public static Partition isolateRandom(List<Long> nodes, RandomSource random) {
        return isolate(nodes.get(random.nextInt(nodes.size())), nodes);
    }

    /** A random ordered pair of distinct nodes with one direction blocked. */
    public static Partition oneWayRandom(List<Long> nodes, RandomSource random) {
        List<Long> shuffled = shuffled(nodes, random);
        return oneWay(shuffled.get(0), shuffled.get(1));
    }

    /** A random bridge: one node, and the others split into two halves around it. */
    public static Partition bridgeRandom(List<Long> nodes, RandomSource random) {
        List<Long> shuffled = shuffled(nodes, random);
        long bridge = shuffled.get(0);
        List<Long> rest = shuffled.subList(1, shuffled.size());
        int half = rest.size() / 2;
        return bridge(rest.subList(0, half), bridge, rest.subList(half, rest.size()));
    }

    /** A copy of {@code nodes} in a random order (Fisher-Yates over the seeded source). */
    public static List<Long> shuffled(List<Long> nodes, RandomSource random) {
        List<Long> copy = new ArrayList<>(nodes);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Long swap = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swap);
        }
        return copy;
    }

    private static String group(Collection<Long> nodes) {
        List<Long> sorted = new ArrayList<>(nodes);
        sorted.sort(null);
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < sorted.size(); i++) {
            text.append(i == 0 ? "n" : ",n").append(sorted.get(i));
        }
        return text.append('}').toString();
    }
}
