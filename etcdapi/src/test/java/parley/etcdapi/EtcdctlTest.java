package parley.etcdapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real etcdctl (Debian's etcd-client, etcd 3.4, API v3) against a real server on 127.0.0.1, run as
 * a subprocess. Each test asserts exactly on what etcdctl printed, which is what a user would see.
 * Skipped, saying so, only when etcdctl is not installed; {@code .ci/run} installs it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EtcdctlTest {
    private static final long WATCH_WAIT_MS = 5_000;

    private TestServer server;
    private Etcdctl etcdctl;

    @BeforeAll
    static void requireEtcdctl() {
        Assumptions.assumeTrue(Etcdctl.binary() != null,
                "etcdctl is not installed (apt-get install etcd-client); skipping the etcdctl tests");
    }

    @BeforeEach
    void start() {
        server = TestServer.start();
        etcdctl = new Etcdctl(server.endpoint());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void putGetWithPrefixRevisionAndJsonHeader() {
        assertOut("OK\n", "put", "foo", "bar");           // rev 2
        assertOut("OK\n", "put", "foo/1", "one");         // rev 3
        assertOut("OK\n", "put", "foo", "baz");           // rev 4
        assertOut("OK\n", "put", "fop", "outside");       // rev 5

        assertOut("foo\nbaz\n", "get", "foo");
        assertOut("foo\nbaz\nfoo/1\none\n", "get", "--prefix", "foo");
        assertOut("foo\nbar\n", "get", "foo", "--rev=2");
        // etcdctl prints the (empty) value line even for keys-only reads, against etcd too.
        assertOut("foo\n\nfoo/1\n\n", "get", "--prefix", "foo", "--keys-only", "--rev=3");
        assertOut("fop\noutside\n", "get", "--prefix", "f", "--sort-by=KEY", "--order=DESCEND", "--limit=1");
        assertOut("foo/1\none\n", "get", "--prefix", "foo", "--sort-by=VERSION", "--limit=1", "--consistency=s");
        assertOut("{\"header\":{\"cluster_id\":88241483826521,\"member_id\":1,\"revision\":5,\"raft_term\":1},"
                + "\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":2,\"mod_revision\":4,\"version\":2,\"value\":\"YmF6\"}],"
                + "\"count\":1}\n", "get", "foo", "-w", "json");
    }

    @Test
    void deleteOneKeyThenAPrefix() {
        etcdctl.run("put", "a/1", "x");
        etcdctl.run("put", "a/2", "y");
        etcdctl.run("put", "b", "z");
        assertOut("1\n", "del", "b");
        assertOut("0\n", "del", "b");
        assertOut("2\na/1\nx\na/2\ny\n", "del", "--prefix", "a/", "--prev-kv");
        assertOut("", "get", "--prefix", "a/");
    }

    @Test
    void txnFromStdinTakesTheBranchItsComparesChoose() {
        etcdctl.run("put", "k", "v");                     // rev 2
        String succeeding = "value(\"k\") = \"v\"\n\nput k v2\nget k\n\nput k v3\n\n";
        assertEquals(new Etcdctl.Result(0, "SUCCESS\n\nOK\n\nk\nv2\n", ""), etcdctl.runWithInput(succeeding, "txn"));
        String failing = "value(\"k\") = \"v\"\n\nput k wrong\n\nput k v3\n\n";
        assertEquals(new Etcdctl.Result(0, "FAILURE\n\nOK\n", ""), etcdctl.runWithInput(failing, "txn"));
        String byRevision = "mod(\"k\") = \"4\"\nver(\"k\") = \"3\"\ncreate(\"k\") = \"2\"\n\ndel k\n\n\n";
        assertEquals(new Etcdctl.Result(0, "SUCCESS\n\n1\n", ""), etcdctl.runWithInput(byRevision, "txn"));
        assertOut("", "get", "k");
        // etcdctl 3.4's lease("k") compare panics inside etcdctl itself (it parses the operand as a
        // string), so the LEASE target is tested over raw gRPC in RawGrpcTest instead.
    }

    @Test
    void watchFromRevisionOneReplaysHistoryThenFollowsLiveWrites() throws Exception {
        etcdctl.run("put", "w", "1");                     // rev 2
        etcdctl.run("put", "other", "x");                 // rev 3, not watched
        try (Etcdctl.Background watch = etcdctl.background("watch", "w", "--rev=1", "--prev-kv")) {
            assertEquals(List.of("PUT", "w", "1"), watch.lines(3, WATCH_WAIT_MS));
            etcdctl.run("put", "w", "2");
            etcdctl.run("del", "w");
            // With --prev-kv etcdctl prints the previous key and value before the new ones.
            assertEquals(List.of("PUT", "w", "1", "w", "2"), watch.lines(5, WATCH_WAIT_MS));
            assertEquals(List.of("DELETE", "w", "2", "w", ""), watch.lines(5, WATCH_WAIT_MS));
        }
    }

    @Test
    void watchPrefixAsJsonCarriesTheHeaderAndWholeRevisions() throws Exception {
        etcdctl.run("put", "p/a", "1");                   // rev 2
        etcdctl.runWithInput("\nput p/b 2\nput p/c 3\n\n\n", "txn"); // no compares; rev 3 has two events
        try (Etcdctl.Background watch = etcdctl.background("watch", "--prefix", "p/", "--rev=3", "-w", "json")) {
            assertEquals(List.of("{\"Header\":{\"cluster_id\":88241483826521,\"member_id\":1,\"revision\":3,\"raft_term\":1},"
                    + "\"Events\":[{\"kv\":{\"key\":\"cC9i\",\"create_revision\":3,\"mod_revision\":3,\"version\":1,\"value\":\"Mg==\"}},"
                    + "{\"kv\":{\"key\":\"cC9j\",\"create_revision\":3,\"mod_revision\":3,\"version\":1,\"value\":\"Mw==\"}}],"
                    + "\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}"), watch.lines(1, WATCH_WAIT_MS));
        }
    }

    @Test
    void leaseGrantKeepAliveTimeToLiveListAndRevoke() {
        assertOut("lease 0000000000000001 granted with TTL(60s)\n", "lease", "grant", "60");
        assertOut("lease 0000000000000002 granted with TTL(120s)\n", "lease", "grant", "120");
        assertOut("OK\n", "put", "held", "v", "--lease=1");
        assertOut("found 2 leases\n0000000000000001\n0000000000000002\n", "lease", "list");
        assertOut("lease 0000000000000001 keepalived with TTL(60)\n", "lease", "keep-alive", "--once", "1");
        Etcdctl.Result ttl = etcdctl.run("lease", "timetolive", "1", "--keys");
        assertTrue(ttl.stdout().matches("lease 0000000000000001 granted with TTL\\(60s\\), remaining\\((59|60)s\\), "
                + "attached keys\\(\\[held\\]\\)\n"), ttl.toString());

        assertOut("lease 0000000000000001 revoked\n", "lease", "revoke", "1");
        assertOut("", "get", "held");
        assertOut("lease 0000000000000001 already expired\n", "lease", "timetolive", "1");
        assertOut("found 1 leases\n0000000000000002\n", "lease", "list");
        assertFails(2, "Error: etcdserver: requested lease not found", "lease", "keep-alive", "--once", "1");
        assertFails(1, "Error: failed to revoke lease (etcdserver: requested lease not found)", "lease", "revoke", "1");
    }

    @Test
    void memberListEndpointStatusAndHealth() {
        assertOut("1, started, parley-local, , " + server.url() + ", false\n", "member", "list");
        etcdctl.run("put", "s", "v");                     // index 1, rev 2
        Etcdctl.Result status = etcdctl.run("endpoint", "status");
        assertTrue(status.stdout().matches(java.util.regex.Pattern.quote(server.endpoint())
                + ", 1, 3\\.4\\.0\\+parley, \\d+ B, true, false, 1, 1, 1, \n"), status.toString());
        Etcdctl.Result json = etcdctl.run("endpoint", "status", "-w", "json");
        assertTrue(json.stdout().matches("\\[\\{\"Endpoint\":\"" + java.util.regex.Pattern.quote(server.endpoint())
                + "\",\"Status\":\\{\"header\":\\{\"cluster_id\":88241483826521,\"member_id\":1,\"revision\":2,"
                + "\"raft_term\":1\\},\"version\":\"3\\.4\\.0\\+parley\",\"dbSize\":\\d+,\"leader\":1,\"raftIndex\":1,"
                + "\"raftTerm\":1,\"raftAppliedIndex\":1,\"dbSizeInUse\":\\d+\\}\\}\\]\n"), json.toString());
        Etcdctl.Result health = etcdctl.run("endpoint", "health");
        assertEquals(0, health.exitCode(), health.toString());
        assertTrue(health.stderr().startsWith(server.endpoint() + " is healthy: successfully committed proposal"),
                health.toString());
    }

    @Test
    void errorsCarryEtcdsExactMessages() {
        for (int i = 0; i < 4; i++) {
            etcdctl.run("put", "c", "v" + i);             // revs 2..5
        }
        assertOut("compacted revision 4\n", "compaction", "4");
        assertOut("c\nv2\n", "get", "c", "--rev=4");
        assertFails(1, "Error: etcdserver: mvcc: required revision has been compacted", "get", "c", "--rev=3");
        assertFails(1, "Error: etcdserver: mvcc: required revision is a future revision", "get", "c", "--rev=99");
        assertFails(1, "Error: etcdserver: key is not provided", "put", "", "x");
        assertFails(1, "Error: etcdserver: requested lease not found", "put", "k", "v", "--lease=77");
        assertFails(1, "Error: etcdserver: duplicate key given in txn request", "txn-dup");
    }

    private void assertOut(String expectedStdout, String... args) {
        Etcdctl.Result result = etcdctl.run(args);
        assertEquals(new Etcdctl.Result(0, expectedStdout, ""), result, "etcdctl " + String.join(" ", args));
    }

    /** etcdctl failed with {@code exitCode} and its last stderr line (after clientv3's retry log) is {@code message}. */
    private void assertFails(int exitCode, String message, String... args) {
        Etcdctl.Result result = args[0].equals("txn-dup")
                ? etcdctl.runWithInput("\nput d 1\nput d 2\n\n\n", "txn")
                : etcdctl.run(args);
        List<String> stderrLines = result.stderr().lines().toList();
        assertEquals(exitCode, result.exitCode(), result.toString());
        assertEquals("", result.stdout(), result.toString());
        assertEquals(message, stderrLines.get(stderrLines.size() - 1), result.toString());
    }
}
