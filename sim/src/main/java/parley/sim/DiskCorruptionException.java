package parley.sim;

/**
 * Recovery found a record that is not a torn tail and does not match its checksum: the disk returned
 * bad data. A process must refuse to start rather than run on it; if this escapes
 * {@link SimProcess#onStart}, the world marks the node {@link NodeState#FAILED}.
 */
public final class DiskCorruptionException extends RuntimeException {
    private final int position;
    private final String reason;

    public DiskCorruptionException(int position, String reason) {
        super("corrupt record at position " + position + ": " + reason);
        this.position = position;
        this.reason = reason;
    }

    /** Index of the bad record in the journal (0 = oldest). */
    public int position() {
        return position;
    }

    /** Why the record was rejected, e.g. {@code checksum mismatch}. */
    public String reason() {
        return reason;
    }
}
