package parley.sim.nemesis;

/** The shapes a {@link FaultKind#PARTITION} fault can take. */
public enum PartitionShape {
    /** A random minority cut off from the majority, both ways. */
    MAJORITY_MINORITY,
    /** One random server cut off from all others. */
    ISOLATE_ONE,
    /** One direction of one link cut: a hears b, b does not hear a. */
    ONE_WAY,
    /** Two halves that can each talk to one bridge server but not to each other. */
    BRIDGE,
    /** A random partition that comes and goes at random intervals while the fault lasts. */
    FLAPPING
}
