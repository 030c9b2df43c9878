package parley.check;

/**
 * Where a failed search got furthest: the first configuration that linearized the most definite
 * operations, and why it stopped there. This is the raw material of a {@link Witness}.
 *
 * @param definiteLinearized definite operations linearized at this point
 * @param state the register state
 * @param setterSlot the operation that set the state, or -1 if it is the initial absent value
 * @param blockingSlot on a dead end, the operation whose value cannot appear; otherwise the definite
 *     operation with the earliest return not yet linearized
 * @param stop why the search went no further from here
 * @param candidateSlots the operations that could have gone next, in trial order (none on a dead end)
 * @param linearizedDefinite bit set of linearized definite slots
 * @param linearizedInfo bit set of linearized info slots, numbered from {@code definiteCount}
 */
record DeepestPoint(
        int definiteLinearized,
        int state,
        int setterSlot,
        int blockingSlot,
        Stop stop,
        int[] candidateSlots,
        long[] linearizedDefinite,
        long[] linearizedInfo) {

    /** Why the search went no further. */
    enum Stop {
        /**
         * Every candidate was tried: no pending completed operation fits the state, not even after
         * letting pending info operations take effect (that would have gone deeper).
         */
        EXHAUSTED,
        /** Dead end: an operation needs a value that nothing left can produce in time. */
        STARVED,
        /** Dead end: an operation needs a string that the value can no longer grow into. */
        PREFIX_LOST
    }

    /** True if the configuration was abandoned as doomed rather than exhausted. */
    boolean deadEnd() {
        return stop != Stop.EXHAUSTED;
    }
}
