package parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Parley's keyspace admin API, served on the client port beside etcd's: gRPC service
 * {@code parley.admin.Keyspaces} with unary methods Create, List, Describe and Drop. Messages are
 * JSON objects (gRPC with a JSON marshaller, so that no code generation is needed and any gRPC client
 * can call it with {@code grpcurl -format json}-style tools):
 * <ul>
 *   <li>Create {@code {"name": N, "prefix": P, "mode": "linearizable"}} (or {@code "prefixHex"} for a
 *       binary prefix) answers the keyspace once it is active on the answering node (add
 *       {@code "wait": false} to answer as soon as the registry holds it, still being created);</li>
 *   <li>List {@code {}} answers {@code {"keyspaces": [...]}}, the default keyspace first;</li>
 *   <li>Describe {@code {"name": N}} and Drop {@code {"name": N}} answer the keyspace.</li>
 * </ul>
 * A keyspace is {@code {"name", "prefix", "prefixHex", "mode", "state", "group", "replicas": [ids], "leader",
 * "revision"}} (state: creating, active or dropping), where leader and revision are what the answering node believes of the group.
 * Mistakes come back as INVALID_ARGUMENT (a bad name or prefix), ALREADY_EXISTS, NOT_FOUND or
 * FAILED_PRECONDITION (an overlapping prefix), each with a message that says what to change.
 */
public final class KeyspaceAdminApi {
    public static final String SERVICE = "parley.admin.Keyspaces";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests and answers are small; a larger message is refused rather than buffered. */
    private static final int MESSAGE_BYTES_MAX = 4 << 20;

    public static final MethodDescriptor<JsonNode, JsonNode> CREATE = method("Create");
    public static final MethodDescriptor<JsonNode, JsonNode> LIST = method("List");
    public static final MethodDescriptor<JsonNode, JsonNode> DESCRIBE = method("Describe");
    public static final MethodDescriptor<JsonNode, JsonNode> DROP = method("Drop");

    private KeyspaceAdminApi() {}

    private static MethodDescriptor<JsonNode, JsonNode> method(String name) {
        return MethodDescriptor.<JsonNode, JsonNode>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(JsonMarshaller.INSTANCE)
                .setResponseMarshaller(JsonMarshaller.INSTANCE)
                .build();
    }

    /** JSON objects as gRPC messages. */
    private enum JsonMarshaller implements MethodDescriptor.Marshaller<JsonNode> {
        INSTANCE;

        @Override
        public InputStream stream(JsonNode value) {
            try {
                return new ByteArrayInputStream(JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public JsonNode parse(InputStream stream) {
            try {
                byte[] bytes = stream.readNBytes(MESSAGE_BYTES_MAX + 1);
                if (bytes.length > MESSAGE_BYTES_MAX) {
                    throw io.grpc.Status.INVALID_ARGUMENT.withDescription("parley: admin message larger than " + MESSAGE_BYTES_MAX + " bytes")
                            .asRuntimeException();
                }
                return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            } catch (IOException e) {
                throw io.grpc.Status.INVALID_ARGUMENT.withDescription("parley: admin message is not JSON: " + e.getMessage()).asRuntimeException();
            }
        }
    }
}
