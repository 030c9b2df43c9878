package parley.check;

import java.util.Locale;

/** What an operation does to its key's register: the {@code f} field of a history line. */
public enum Action {
    /** Returns the current value. */
    READ,
    /** Sets the value. */
    WRITE,
    /** Compare-and-set: {@code [expected, new]}. */
    CAS,
    /** Appends a string to the current value (absent counts as the empty string). */
    APPEND;

    /** The name used in history files. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code name} in a history file, or {@code null} if there is none. */
    static Action fromJsonName(String name) {
        for (Action action : values()) {
            if (action.jsonName().equals(name)) {
                return action;
            }
        }
        return null;
    }
}
