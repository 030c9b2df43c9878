package parley.cli;

import java.util.ArrayList;
import java.util.List;

/** The one parser of endpoint lists ({@code --endpoints}, {@code --http}) for every command. */
final class Endpoints {
    private Endpoints() {}

    /** One endpoint, as given: a host name or address, and a port. */
    record Endpoint(String host, int port) {
        @Override public String toString() { return host + ":" + port; }
    }

    /**
     * Parses {@code text}, a comma-separated list of {@code HOST:PORT} (an {@code http://} or
     * {@code https://} scheme and a trailing slash are tolerated, as etcdctl does). Empty items are
     * skipped; a malformed one is a {@link UserError} naming {@code flag} and the item.
     */
    static List<Endpoint> parse(String flag, String text) {
        List<Endpoint> list = new ArrayList<>();
        for (String part : text.split(",")) {
            String e = part.strip().replaceFirst("^(?i)https?://", "");
            if (e.endsWith("/")) e = e.substring(0, e.length() - 1);
            if (e.isEmpty()) continue;
            int colon = e.lastIndexOf(':');
            if (colon <= 0 || colon == e.length() - 1) throw new UserError(flag + ": expected HOST:PORT, got '" + part.strip() + "'");
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException ex) {
                throw new UserError(flag + ": bad port in '" + part.strip() + "'");
            }
            if (port < 1 || port > 65535) throw new UserError(flag + ": port out of range in '" + part.strip() + "'");
            list.add(new Endpoint(e.substring(0, colon), port));
        }
        if (list.isEmpty()) throw new UserError(flag + ": no endpoints given");
        return list;
    }
}
