package parley.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable byte string: a key or a value. Ordered like etcd orders keys, by unsigned
 * lexicographic comparison (a proper prefix sorts first), so a {@code TreeMap<Bytes, ?>} iterates keys
 * in the same order an etcd range returns them.
 *
 * <p>The array is copied on the way in and on the way out, because a record cannot stop a caller from
 * mutating an array it still holds, and a key mutated inside a sorted map corrupts the map silently.
 *
 * @param bytes the content; copied
 */
public record Bytes(byte[] bytes) implements Comparable<Bytes> {
    /** The empty byte string: an absent value, or an absent range end. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    /** The single byte {@code \0}: as a range end it means "every key at or after the start key". */
    public static final Bytes ZERO = new Bytes(new byte[] {0});

    public Bytes {
        Objects.requireNonNull(bytes, "bytes");
        bytes = bytes.clone();
    }

    /** Wraps a copy of {@code bytes}. */
    public static Bytes of(byte... bytes) {
        return new Bytes(bytes);
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the content. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The content without a copy, for codecs in this package that promise not to mutate it. */
    byte[] raw() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /** The byte at {@code index} as an unsigned value 0..255. */
    public int unsignedAt(int index) {
        return bytes[index] & 0xff;
    }

    /** The content decoded as UTF-8 (malformed sequences are replaced). */
    public String toUtf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Printable ASCII as itself, anything else as {@code \xNN}, in double quotes: {@code "foo\x00"}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(bytes.length + 2).append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return out.append('"').toString();
    }
}
