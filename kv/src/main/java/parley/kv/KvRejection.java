package parley.kv;

/**
 * Raised while checking a command, before it writes anything, to turn it into a
 * {@link KvResult.Failure}. Only checks throw it; once a write transaction is open, every outcome was
 * decided, so a failed command can never leave a half-applied change behind.
 */
final class KvRejection extends RuntimeException {
    final KvError error;
    final String detail;

    KvRejection(KvError error, String detail) {
        super(error.message() + (detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.error = error;
        this.detail = detail;
    }

    KvRejection(KvError error) {
        this(error, "");
    }
}
