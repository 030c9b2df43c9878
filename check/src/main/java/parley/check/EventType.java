package parley.check;

import java.util.Locale;

/** The {@code type} field of a history line: the start of a call, or one of its three endings. */
public enum EventType {
    /** The call started. */
    INVOKE,
    /** It completed and took effect. */
    OK,
    /** It definitely did not take effect. */
    FAIL,
    /** Outcome unknown: it may or may not have taken effect, at any time after its invocation. */
    INFO;

    /** The name used in history files. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome this completion records; invocations have none. */
    public Outcome outcome() {
        return switch (this) {
            case INVOKE -> throw new IllegalStateException("an invocation has no outcome");
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case INFO -> Outcome.INFO;
        };
    }

    /** The type named {@code name} in a history file, or {@code null} if there is none. */
    static EventType fromJsonName(String name) {
        for (EventType type : values()) {
            if (type.jsonName().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
