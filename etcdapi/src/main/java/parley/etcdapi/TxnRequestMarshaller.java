package parley.etcdapi;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import parley.kv.KvCodec;

/**
 * Reads Txn requests as deep as etcd accepts them ({@value KvCodec#TXN_DEPTH_MAX} levels), which
 * protobuf's default parser cannot: it stops at 100 message levels, and every txn level is two (the
 * TxnRequest and its RequestOp), so gRPC answered "Application error processing RPC" from depth 50.
 * Before parsing, the nesting is measured on the wire bytes, without recursion; a request nested
 * deeper than the limit is not parsed at all but handed on as an empty request marked with its depth,
 * which {@link KvService} refuses with one precise message ({@link #refusedDepth}).
 */
final class TxnRequestMarshaller implements MethodDescriptor.Marshaller<TxnRequest> {
    /** An unknown field no etcd client sends; it carries the depth of a refused request. */
    private static final int REFUSED_DEPTH_FIELD = 536_870_000;
    /** Message levels: two per txn level, plus the innermost op's request and its compares. */
    private static final int RECURSION_LIMIT = 2 * KvCodec.TXN_DEPTH_MAX + 8;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final MethodDescriptor.Marshaller<TxnRequest> WRITER = KVGrpc.getTxnMethod().getRequestMarshaller();

    /** {@code kv} with its Txn method reading requests through this marshaller. */
    static ServerServiceDefinition bind(KVGrpc.KVImplBase kv) {
        ServerServiceDefinition original = kv.bindService();
        ServerServiceDefinition.Builder rebound = ServerServiceDefinition.builder(original.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : original.getMethods()) {
            if (method.getMethodDescriptor().getFullMethodName().equals(KVGrpc.getTxnMethod().getFullMethodName())) {
                rebound.addMethod(withThisMarshaller(cast(method)));
            } else {
                rebound.addMethod(method);
            }
        }
        return rebound.build();
    }

    @SuppressWarnings("unchecked")
    private static ServerMethodDefinition<TxnRequest, ?> cast(ServerMethodDefinition<?, ?> method) {
        return (ServerMethodDefinition<TxnRequest, ?>) method;
    }

    private static <R> ServerMethodDefinition<TxnRequest, R> withThisMarshaller(ServerMethodDefinition<TxnRequest, R> method) {
        MethodDescriptor<TxnRequest, R> descriptor = method.getMethodDescriptor().toBuilder()
                .setRequestMarshaller(new TxnRequestMarshaller()).build();
        return ServerMethodDefinition.create(descriptor, method.getServerCallHandler());
    }

    /** The depth of a request refused for nesting too deep, or 0 for any other request. */
    static int refusedDepth(TxnRequest request) {
        UnknownFieldSet.Field field = request.getUnknownFields().getField(REFUSED_DEPTH_FIELD);
        return field.getVarintList().isEmpty() ? 0 : (int) (long) field.getVarintList().get(0);
    }

    /** The refusal of a txn nested {@code depth} deep, worded as the store words it. */
    static String tooDeep(int depth) {
        return "parley: " + KvCodec.txnTooDeep(depth, KvCodec.TXN_DEPTH_MAX);
    }

    @Override
    public InputStream stream(TxnRequest value) {
        return WRITER.stream(value);
    }

    @Override
    public TxnRequest parse(InputStream stream) {
        try {
            byte[] bytes = stream.readAllBytes(); // bounded by the server's maxInboundMessageSize
            int depth = depthOf(bytes);
            if (depth > KvCodec.TXN_DEPTH_MAX) {
                return TxnRequest.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(REFUSED_DEPTH_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(depth).build()).build()).build();
            }
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            return TxnRequest.parseFrom(in);
        } catch (InvalidProtocolBufferException malformed) {
            throw Status.INVALID_ARGUMENT.withDescription("parley: malformed request: " + malformed.getMessage()).withCause(malformed)
                    .asRuntimeException();
        } catch (IOException unreadable) {
            throw Status.INTERNAL.withDescription("parley: could not read the request: " + unreadable.getMessage()).asRuntimeException();
        }
    }

    /**
     * How deep the txns of the TxnRequest in {@code bytes} nest (1 for a txn of plain ops), found by
     * walking the wire format with an explicit stack: TxnRequest.success (2) and .failure (3) hold
     * RequestOps, RequestOp.request_txn (4) holds a TxnRequest. Bytes that do not parse give what was
     * measured so far; protobuf's parser then names the flaw.
     */
    static int depthOf(byte[] bytes) {
        ArrayDeque<int[]> open = new ArrayDeque<>(); // {end offset, 1 for a TxnRequest or 0 for a RequestOp}
        open.push(new int[] {bytes.length, 1});
        int txnLevels = 1;
        int deepest = 1;
        int[] position = {0};
        try {
            while (!open.isEmpty()) {
                int[] frame = open.peek();
                if (position[0] >= frame[0]) {
                    open.pop();
                    if (frame[1] == 1) txnLevels--;
                    continue;
                }
                long tag = readVarint(bytes, position);
                int field = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                if (wireType != WIRE_LENGTH_DELIMITED) {
                    skip(bytes, position, wireType);
                    continue;
                }
                int length = (int) readVarint(bytes, position);
                int end = position[0] + length;
                if (length < 0 || end > frame[0]) return deepest;
                boolean opens = frame[1] == 1 ? field == 2 || field == 3 : field == 4;
                if (!opens) {
                    position[0] = end;
                } else if (frame[1] == 1) {
                    open.push(new int[] {end, 0});
                } else {
                    open.push(new int[] {end, 1});
                    deepest = Math.max(deepest, ++txnLevels);
                }
            }
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return deepest;
        }
        return deepest;
    }

    private static long readVarint(byte[] bytes, int[] position) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = bytes[position[0]++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) return value;
        }
        throw new ArrayIndexOutOfBoundsException("varint longer than 10 bytes");
    }

    private static void skip(byte[] bytes, int[] position, int wireType) {
        switch (wireType) {
            case 0 -> readVarint(bytes, position);
            case 1 -> position[0] += 8;
            case 5 -> position[0] += 4;
            default -> throw new ArrayIndexOutOfBoundsException("wire type " + wireType);
        }
    }
}
