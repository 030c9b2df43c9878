package parley.check;

/** Helpers for relations between slots stored as {@code int[][]} adjacency lists. */
final class SlotLists {
    static final int[] NONE = new int[0];

    private SlotLists() {}

    /**
     * The inverse relation: {@code result[b]} lists every {@code a} with {@code b} in
     * {@code relation[a]}, in increasing order of {@code a}.
     */
    static int[][] invert(int[][] relation) {
        int[] counts = new int[relation.length];
        for (int[] targets : relation) {
            for (int target : targets) {
                counts[target]++;
            }
        }
        int[][] inverse = new int[relation.length][];
        for (int slot = 0; slot < relation.length; slot++) {
            inverse[slot] = counts[slot] == 0 ? NONE : new int[counts[slot]];
            counts[slot] = 0;
        }
        for (int source = 0; source < relation.length; source++) {
            for (int target : relation[source]) {
                inverse[target][counts[target]++] = source;
            }
        }
        return inverse;
    }
}
