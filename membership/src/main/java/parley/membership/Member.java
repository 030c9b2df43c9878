package parley.membership;

/**
 * One member as one node sees it: an immutable snapshot for runtimes, status pages and tests.
 *
 * @param id          the member's node id (stable across restarts)
 * @param address     where the runtime reaches it, e.g. {@code host:port}; may change on a rejoin
 * @param incarnation the member's own counter; only the member raises it, to refute or rejoin
 * @param state       what this node believes
 */
public record Member(long id, String address, long incarnation, MemberState state) {
    public Member {
        if (address == null) throw new IllegalArgumentException("address is required (use \"\" if the runtime needs none)");
        if (address.length() > Update.ADDRESS_CHARS_MAX) {
            throw new IllegalArgumentException("address longer than " + Update.ADDRESS_CHARS_MAX + " chars: " + address);
        }
        if (incarnation < 0) throw new IllegalArgumentException("incarnation must be >= 0: " + incarnation);
        if (state == null) throw new IllegalArgumentException("state is required");
    }
}
