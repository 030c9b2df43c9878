package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Txn nesting is measured on the wire, so requests as deep as etcd's parse and deeper ones are named. */
class TxnRequestMarshallerTest {
    private static TxnRequest nested(int depth, boolean inFailure) {
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("k")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))))
                .build();
        for (int level = 1; level < depth; level++) {
            RequestOp op = RequestOp.newBuilder().setRequestTxn(txn).build();
            txn = inFailure ? TxnRequest.newBuilder().addSuccess(op.toBuilder().clearRequestTxn().setRequestPut(PutRequest.getDefaultInstance()))
                    .addFailure(op).build() : TxnRequest.newBuilder().addSuccess(op).build();
        }
        return txn;
    }

    @Test
    void measuresTheDeepestBranch() {
        for (int depth : new int[] {1, 2, 17, 64, 65, 500}) {
            assertEquals(depth, TxnRequestMarshaller.depthOf(nested(depth, false).toByteArray()));
            assertEquals(depth, TxnRequestMarshaller.depthOf(nested(depth, true).toByteArray()));
        }
    }

    @Test
    void parsesUpToTheLimitAndMarksDeeperRequestsWithTheirDepth() {
        TxnRequestMarshaller marshaller = new TxnRequestMarshaller();
        TxnRequest deepest = nested(64, true);
        assertEquals(deepest, marshaller.parse(new ByteArrayInputStream(deepest.toByteArray())));
        assertEquals(0, TxnRequestMarshaller.refusedDepth(deepest));
        TxnRequest refused = marshaller.parse(new ByteArrayInputStream(nested(65, false).toByteArray()));
        assertEquals(65, TxnRequestMarshaller.refusedDepth(refused));
        assertEquals("parley: txn nests 65 deep; at most 64 levels are accepted", TxnRequestMarshaller.tooDeep(65));
    }

    @Test
    void truncatedBytesGiveWhatWasMeasuredAndProtobufNamesTheFlaw() {
        byte[] whole = nested(10, false).toByteArray();
        for (int cut = 0; cut < whole.length; cut += 7) {
            int depth = TxnRequestMarshaller.depthOf(Arrays.copyOf(whole, cut));
            assertEquals(true, depth >= 1 && depth <= 10, "cut at " + cut + ": " + depth);
        }
        io.grpc.StatusRuntimeException malformed = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> new TxnRequestMarshaller().parse(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 3))));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
    }
}
