package parley.torture;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The faults the nemesis can inject; names as on the command line ({@code --faults kill,pause,...}). */
public enum FaultKind {
    /** SIGKILL a node, restart it on its data directory when the window ends. */
    KILL,
    /** SIGSTOP a node (alive, holding its sockets, silent), SIGCONT when the window ends. */
    PAUSE,
    /** Split the nodes into a majority and a minority that cannot reach each other. */
    PARTITION,
    /** Cut every link to and from the leader (a random node when none is known). */
    ISOLATE_LEADER,
    /** One node's messages stop reaching the others, or theirs stop reaching it; the other way still works. */
    ONE_WAY,
    /** Two halves that cannot reach each other, and one node that both halves reach. */
    BRIDGE,
    /** Every message on one node's links (or all links) is held tens to hundreds of milliseconds. */
    DELAY,
    /** Connections on one node's links are reset at random, losing what was in flight. */
    FLAKY,
    /** One node's clock jumps (forward, or held still) and runs fast or slow. */
    CLOCK,
    /** One node's fsyncs become slow, or stall for seconds. */
    FSYNC,
    /** Real packet delay and loss on loopback (tc netem, or tbf where netem is missing), only in a network namespace ({@code --netns}). */
    NETEM;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code kill,pause,...} or {@code all}; throws IllegalArgumentException naming what is known. */
    public static Set<FaultKind> parseList(String text) {
        if (text.isBlank() || text.equals("none")) return EnumSet.noneOf(FaultKind.class);
        if (text.equals("all")) return standard();
        Set<FaultKind> out = EnumSet.noneOf(FaultKind.class);
        for (String part : text.split(",")) {
            FaultKind kind = null;
            for (FaultKind k : values()) if (k.cliName().equals(part.strip())) kind = k;
            if (kind == null) throw new IllegalArgumentException("unknown fault '" + part.strip() + "' (known: " + known() + ", all, none)");
            out.add(kind);
        }
        return out;
    }

    /** Every fault that needs nothing from the machine beyond running processes: all but netem. */
    public static Set<FaultKind> standard() {
        return EnumSet.complementOf(EnumSet.of(NETEM));
    }

    static String known() {
        List<String> names = new ArrayList<>();
        for (FaultKind k : values()) names.add(k.cliName());
        return String.join(", ", names);
    }
}
