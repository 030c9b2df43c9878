package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.api.ResponseHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written LeaseLeases codec against bytes worked out from the protobuf wire format. */
class LeaseLeasesMethodTest {
    @Test
    void encodesHeaderThenOneLeaseStatusPerId() throws Exception {
        ResponseHeader header = ResponseHeader.newBuilder().setClusterId(1).setRevision(5).build();
        byte[] encoded = LeaseLeasesMethod.encode(new LeaseLeasesMethod.Response(header, List.of(1L, 300L)));
        // field 1 (header, length 4: cluster_id=1, revision=5); field 2 {ID=1}; field 2 {ID=300 as varint ac 02}
        byte[] expected = {0x0a, 4, 0x08, 1, 0x18, 5, 0x12, 2, 0x08, 1, 0x12, 3, 0x08, (byte) 0xac, 0x02};
        assertArrayEquals(expected, encoded);
        assertEquals(new LeaseLeasesMethod.Response(header, List.of(1L, 300L)), LeaseLeasesMethod.decode(encoded));
    }

    @Test
    void decodingSkipsFieldsItDoesNotKnow() throws Exception {
        byte[] withExtra = {0x12, 4, 0x08, 7, 0x10, 9, 0x18, 1};
        LeaseLeasesMethod.Response decoded = LeaseLeasesMethod.decode(withExtra);
        assertEquals(List.of(7L), decoded.leaseIds());
        assertEquals(ResponseHeader.getDefaultInstance(), decoded.header());
    }
}
