package parley.check;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.Iterator;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Translates between one history line (a JSON object) and an {@link Event}. Parsing is strict:
 * every problem becomes a {@link LineProblem} whose message the reader attaches to a file and line.
 */
final class EventCodec {
    private static final Set<String> FIELDS = Set.of("process", "type", "f", "key", "value", "time");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private EventCodec() {}

    /** Something wrong with a single line, before the reader knows which line it was. */
    static final class LineProblem extends Exception {
        LineProblem(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Parses one line into an event. */
    static Event parse(String line) throws LineProblem {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new LineProblem("bad JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new LineProblem("expected a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new LineProblem("unknown field \"" + name + "\"");
            }
        }
        int process = processOf(required(node, "process"));
        EventType type = typeOf(required(node, "type"));
        Action action = actionOf(required(node, "f"));
        String key = keyOf(required(node, "key"));
        Value value = valueOf(action, type, required(node, "value"));
        return new Event(process, type, action, key, value, timeOf(node.get("time")));
    }

    /** Formats an event as one line (no line terminator), with fields in the documented order. */
    static String format(Event event) {
        StringBuilder out = new StringBuilder(96)
                .append("{\"process\": ").append(event.process())
                .append(", \"type\": \"").append(event.type().jsonName())
                .append("\", \"f\": \"").append(event.action().jsonName())
                .append("\", \"key\": ").append(JsonText.quote(event.key()))
                .append(", \"value\": ").append(event.value().toJson());
        event.timeNs().ifPresent(time -> out.append(", \"time\": ").append(time));
        return out.append('}').toString();
    }

    private static JsonNode required(JsonNode object, String field) throws LineProblem {
        JsonNode value = object.get(field);
        if (value == null) {
            throw new LineProblem("missing field \"" + field + "\"");
        }
        return value;
    }

    private static int processOf(JsonNode node) throws LineProblem {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new LineProblem("\"process\" must be an integer, got " + node);
        }
        return node.intValue();
    }

    private static EventType typeOf(JsonNode node) throws LineProblem {
        EventType type = node.isTextual() ? EventType.fromJsonName(node.textValue()) : null;
        if (type == null) {
            throw new LineProblem("unknown type " + node + " (expected invoke, ok, fail or info)");
        }
        return type;
    }

    private static Action actionOf(JsonNode node) throws LineProblem {
        Action action = node.isTextual() ? Action.fromJsonName(node.textValue()) : null;
        if (action == null) {
            throw new LineProblem("unknown f " + node + " (expected read, write, cas or append)");
        }
        return action;
    }

    private static String keyOf(JsonNode node) throws LineProblem {
        if (!node.isTextual()) {
            throw new LineProblem("\"key\" must be a string, got " + node);
        }
        return node.textValue();
    }

    private static OptionalLong timeOf(JsonNode node) throws LineProblem {
        if (node == null) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new LineProblem("\"time\" must be an integer number of nanoseconds, got " + node);
        }
        return OptionalLong.of(node.longValue());
    }

    private static Value valueOf(Action action, EventType type, JsonNode node) throws LineProblem {
        return switch (action) {
            case READ, WRITE -> scalar(node, "value of " + action.jsonName());
            case APPEND -> {
                if (!node.isTextual() && !(type == EventType.INFO && node.isNull())) {
                    throw new LineProblem("value of append must be a string, got " + node);
                }
                yield scalar(node, "value of append");
            }
            case CAS -> {
                if (type == EventType.INFO && node.isNull()) {
                    yield Value.NULL;
                }
                if (!node.isArray() || node.size() != 2) {
                    throw new LineProblem("value of cas must be a 2-element array [expected, new], got " + node);
                }
                yield Value.pair(scalar(node.get(0), "cas expected value"), scalar(node.get(1), "cas new value"));
            }
        };
    }

    private static Value scalar(JsonNode node, String what) throws LineProblem {
        JsonNodeType kind = node.getNodeType();
        return switch (kind) {
            case NULL -> Value.NULL;
            case STRING -> Value.of(node.textValue());
            case NUMBER -> Value.of(node.decimalValue());
            default -> throw new LineProblem(what + " must be a number, a string or null, got " + node);
        };
    }
}
