package parley.transport;

/**
 * Bytes that do not decode: truncated input, an unknown tag, a length that cannot be right, a value
 * outside its domain. Names the message (or frame) type and the field where decoding stopped, so a log
 * line says what was wrong without a hex dump. Decoders throw nothing else on bad input.
 */
public final class CodecException extends RuntimeException {
    private final String messageType;
    private final String field;

    /**
     * @param messageType the message or frame type being decoded ({@code "AppendEntries"}, {@code "frame"})
     * @param field       the field where decoding stopped ({@code "entries[3].data"})
     * @param problem     what was wrong with it
     */
    public CodecException(String messageType, String field, String problem) {
        super(messageType + "." + field + ": " + problem);
        this.messageType = messageType;
        this.field = field;
    }

    /** The message or frame type being decoded when the problem was found. */
    public String messageType() {
        return messageType;
    }

    /** The field where decoding stopped. */
    public String field() {
        return field;
    }
}
