package parley.cli;

/** A mistake of the user's (bad flag values, impossible configurations): one line, exit 2, no stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
