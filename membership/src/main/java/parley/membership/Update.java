package parley.membership;

/**
 * One membership fact on the wire: "member {@code memberId} at {@code address} is {@code state} in
 * incarnation {@code incarnation}", said by {@code fromId}. Updates are what gossip piggybacks and what a
 * push-pull exchange carries. {@code fromId} matters for SUSPECT: distinct suspecters of the same
 * incarnation are the independent confirmations that shorten Lifeguard's suspicion timeout.
 *
 * <p>Bounded: an address has at most {@link #ADDRESS_CHARS_MAX} chars, so an encoded update is at most
 * {@link #ENCODED_BYTES_MAX} bytes (ids and incarnation as 8 bytes each, state 1, address length 2,
 * address as UTF-8 of at most 3 bytes per char).
 */
public record Update(long memberId, String address, long incarnation, MemberState state, long fromId) {
    public static final int ADDRESS_CHARS_MAX = 128;
    public static final int ENCODED_BYTES_MAX = 8 + 8 + 1 + 8 + 2 + 3 * ADDRESS_CHARS_MAX;

    public Update {
        if (address == null || address.length() > ADDRESS_CHARS_MAX) {
            throw new IllegalArgumentException("address must be non-null and at most " + ADDRESS_CHARS_MAX + " chars");
        }
        if (incarnation < 0) throw new IllegalArgumentException("incarnation must be >= 0: " + incarnation);
        if (state == null) throw new IllegalArgumentException("state is required");
    }

    @Override
    public String toString() {
        return "n" + memberId + "@" + incarnation + ":" + state + (state == MemberState.SUSPECT ? "(by n" + fromId + ")" : "");
    }
}
