package parley.etcdapi;

import io.grpc.ForwardingServerCall;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * One answer, in one wording, for every etcd RPC Parley does not serve yet, whether its service is
 * registered with that method left out ("Method X is unimplemented", gRPC's default) or not registered
 * at all ("Method not found: X"): UNIMPLEMENTED with {@code parley: <service>/<method> is not
 * implemented (see docs/server.md)}. etcd clients treat both as UNIMPLEMENTED; a person reading the
 * error learns which RPC and where the list is.
 */
final class Unimplemented {
    private Unimplemented() {}

    /** The refusal for {@code fullMethodName} (like {@code etcdserverpb.Auth/Authenticate}). */
    static StatusRuntimeException status(String fullMethodName) {
        return Status.UNIMPLEMENTED.withDescription("parley: " + fullMethodName + " is not implemented (see docs/server.md)")
                .asRuntimeException();
    }

    /** Rewords gRPC's own UNIMPLEMENTED answer of a registered service's missing method. */
    static final ServerInterceptor REWORD = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    if (status.getCode() == Status.Code.UNIMPLEMENTED && !String.valueOf(status.getDescription()).startsWith("parley: ")) {
                        status = status(call.getMethodDescriptor().getFullMethodName()).getStatus();
                    }
                    super.close(status, trailers);
                }
            }, headers);
        }
    };

    /** Answers every method of every service not registered at all (Auth, Lock, Election today). */
    static final HandlerRegistry FALLBACK = new HandlerRegistry() {
        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName)
                    .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
            return ServerMethodDefinition.create(method, (call, headers) -> {
                call.close(status(methodName).getStatus(), new Metadata());
                return new ServerCall.Listener<>() { };
            });
        }
    };

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) { return new ByteArrayInputStream(value); }

        @Override public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("parley: could not read the request").asRuntimeException();
            }
        }
    };
}
