package parley.check;

import java.util.Locale;

/** How an {@link Operation} ended. */
public enum Outcome {
    /** Completed and took effect. */
    OK,
    /** Definitely did not take effect. */
    FAIL,
    /** Unknown: may have taken effect at any time after its invocation, or never. */
    INFO;

    /** The name used in history files and reports. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The completion event type that records this outcome. */
    public EventType eventType() {
        return switch (this) {
            case OK -> EventType.OK;
            case FAIL -> EventType.FAIL;
            case INFO -> EventType.INFO;
        };
    }
}
