package parley.etcdapi;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * etcd's {@code Lease.LeaseLeases} (lists every lease; {@code etcdctl lease list} calls it), which the
 * generated classes in jetcd-grpc lack. The method and its two messages are defined here by hand from
 * etcd's documented wire format:
 *
 * <pre>
 *   rpc LeaseLeases(LeaseLeasesRequest) returns (LeaseLeasesResponse)
 *   LeaseLeasesRequest  {}
 *   LeaseLeasesResponse { ResponseHeader header = 1; repeated LeaseStatus leases = 2; }
 *   LeaseStatus         { int64 ID = 1; }
 * </pre>
 */
final class LeaseLeasesMethod {
    private static final int RESPONSE_HEADER_FIELD = 1;
    private static final int RESPONSE_LEASES_FIELD = 2;
    private static final int LEASE_STATUS_ID_FIELD = 1;
    /** The most bytes a request may carry; the real one is empty, so anything near this is garbage. */
    private static final int REQUEST_BYTES_MAX = 4096;

    /** The request, which carries nothing. */
    record Request() {}

    /** The response: the header and the ids of all leases. */
    record Response(ResponseHeader header, List<Long> leaseIds) {
        Response {
            Objects.requireNonNull(header, "header");
            leaseIds = List.copyOf(leaseIds);
        }
    }

    static final MethodDescriptor<Request, Response> DESCRIPTOR = MethodDescriptor.<Request, Response>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
            .setRequestMarshaller(new RequestMarshaller())
            .setResponseMarshaller(new ResponseMarshaller())
            .build();

    private LeaseLeasesMethod() {}

    static byte[] encode(Response response) {
        try {
            byte[] header = response.header().toByteArray();
            int size = CodedOutputStream.computeTagSize(RESPONSE_HEADER_FIELD)
                    + CodedOutputStream.computeUInt32SizeNoTag(header.length) + header.length;
            for (long id : response.leaseIds()) {
                int statusSize = CodedOutputStream.computeInt64Size(LEASE_STATUS_ID_FIELD, id);
                size += CodedOutputStream.computeTagSize(RESPONSE_LEASES_FIELD)
                        + CodedOutputStream.computeUInt32SizeNoTag(statusSize) + statusSize;
            }
            byte[] bytes = new byte[size];
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeByteArray(RESPONSE_HEADER_FIELD, header);
            for (long id : response.leaseIds()) {
                out.writeTag(RESPONSE_LEASES_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(CodedOutputStream.computeInt64Size(LEASE_STATUS_ID_FIELD, id));
                out.writeInt64(LEASE_STATUS_ID_FIELD, id);
            }
            out.checkNoSpaceLeft();
            return bytes;
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** Decodes a response, skipping fields it does not know, as protobuf readers do. */
    static Response decode(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        ResponseHeader header = ResponseHeader.getDefaultInstance();
        List<Long> ids = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == RESPONSE_HEADER_FIELD && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                header = ResponseHeader.parseFrom(in.readBytes());
            } else if (field == RESPONSE_LEASES_FIELD && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                ids.add(decodeLeaseId(in.readBytes().newCodedInput()));
            } else {
                in.skipField(tag);
            }
        }
        return new Response(header, ids);
    }

    private static long decodeLeaseId(CodedInputStream in) throws IOException {
        long id = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == LEASE_STATUS_ID_FIELD
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                id = in.readInt64();
            } else {
                in.skipField(tag);
            }
        }
        return id;
    }

    private static final class RequestMarshaller implements MethodDescriptor.Marshaller<Request> {
        @Override
        public InputStream stream(Request request) {
            return new ByteArrayInputStream(new byte[0]);
        }

        /** Reads and checks the (normally empty) request; unknown fields are skipped, as protobuf does. */
        @Override
        public Request parse(InputStream stream) {
            try {
                byte[] bytes = stream.readNBytes(REQUEST_BYTES_MAX + 1);
                if (bytes.length > REQUEST_BYTES_MAX) {
                    throw EtcdErrors.malformed("LeaseLeasesRequest larger than " + REQUEST_BYTES_MAX + " bytes");
                }
                CodedInputStream in = CodedInputStream.newInstance(bytes);
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    in.skipField(tag);
                }
                return new Request();
            } catch (IOException malformed) {
                throw EtcdErrors.malformed("LeaseLeasesRequest is not protobuf: " + malformed.getMessage());
            }
        }
    }

    private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Response> {
        @Override
        public InputStream stream(Response response) {
            return new ByteArrayInputStream(encode(response));
        }

        @Override
        public Response parse(InputStream stream) {
            try {
                return decode(stream.readAllBytes());
            } catch (IOException malformed) {
                throw new UncheckedIOException(malformed);
            }
        }
    }
}
