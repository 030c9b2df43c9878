package parley.kv;

/**
 * The position of one change in the store's history: the main revision of the write transaction
 * that made it, and its sub-revision (its position inside that transaction, from 0). A transaction
 * with several writes has one main revision; its writes differ in sub-revision.
 *
 * @param main the store revision the change belongs to, at least 2 (revision 1 is the empty store)
 * @param sub the change's position within its transaction, from 0
 */
public record Revision(long main, long sub) implements Comparable<Revision> {
    public Revision {
        if (main < 0 || sub < 0) {
            throw new IllegalArgumentException("revision must not be negative: " + main + "." + sub);
        }
    }

    /** The first position of main revision {@code main}. */
    public static Revision first(long main) {
        return new Revision(main, 0);
    }

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    @Override
    public String toString() {
        return main + "." + sub;
    }
}
