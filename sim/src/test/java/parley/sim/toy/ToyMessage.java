package parley.sim.toy;

/** The toy protocol's messages: a node announces its durable counter; peers acknowledge it. */
public sealed interface ToyMessage {
    /** "My counter is durable at {@code value}." */
    record Counter(long value) implements ToyMessage {}

    /** "I saw your counter at {@code value}." */
    record Ack(long value) implements ToyMessage {}
}
