package parley.wal;

import java.io.IOException;

/** Receives every intact record, in order, while the log recovers. */
@FunctionalInterface
public interface RecordVisitor {
    /** Applies one record; throws when the record, though intact, makes no sense (a bug or tampering). */
    void visit(RecoveredRecord record) throws WalCorruptionException;

    /**
     * Called once after the last intact record, before the log changes anything on disk (cutting a
     * torn tail, writing a preamble): the place to check that what was replayed is complete.
     */
    default void endOfLog() throws IOException {}
}
