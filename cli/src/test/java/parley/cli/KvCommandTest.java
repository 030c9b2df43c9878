package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import parley.server.ServerConfig;
import parley.server.ServerNode;

/**
 * {@code parley kv} and {@code parley cluster status} against a real three-node cluster in this JVM:
 * exact output, endpoint failover, etcd-style errors, and one-line exit-2 errors for bad flags.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvCommandTest {
    private static Path dir;
    private static final Map<Long, ServerNode> nodes = new TreeMap<>();
    private static String endpoints;
    private static String httpAddresses;
    private static ManagedChannel channel;
    private static KVGrpc.KVBlockingStub raw;
    private static int deadPort;


    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("parley-kv-test");
        int[] peerPorts = freePorts(4);
        deadPort = peerPorts[3];
        for (long id = 1; id <= 3; id++) nodes.put(id, ServerNode.start(config(id, dir, peerPorts)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (nodes.values().stream().noneMatch(ServerNode::isLeader)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no leader in 15 s");
            Thread.sleep(10);
        }
        endpoints = nodes.values().stream().map(n -> "127.0.0.1:" + n.clientPort()).collect(Collectors.joining(","));
        httpAddresses = nodes.values().stream().map(n -> "127.0.0.1:" + n.httpPort()).collect(Collectors.joining(","));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", nodes.get(1L).clientPort()).usePlaintext().build();
        raw = KVGrpc.newBlockingStub(channel);
        // Wait until every node knows the leader, so status and writes through any node are settled.
        while (!run("kv", "put", "warmup", "x", "--endpoints", endpoints).out().equals("OK\n")) Thread.sleep(50);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (channel != null) channel.shutdownNow();
        nodes.values().forEach(ServerNode::close);
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static CliTest.Result kv(String... args) {
        List<String> all = new ArrayList<>(List.of("kv"));
        all.addAll(Arrays.asList(args));
        all.add("--endpoints");
        all.add(endpoints);
        return run(all.toArray(String[]::new));
    }

    private static long revision() {
        return retrying(() -> raw.range(io.etcd.jetcd.api.RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("warmup")).build())
                .getHeader().getRevision());
    }

    private static void rawPut(String key, String value) {
        retrying(() -> raw.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build()));
    }

    /** Direct calls ride out an election on a loaded machine ("etcdserver: no leader" is never applied). */
    private static <T> T retrying(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return call.get();
            } catch (io.grpc.StatusRuntimeException e) {
                if (!"etcdserver: no leader".equals(e.getStatus().getDescription()) || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Test
    void putGetDelPrintLikeEtcdctl() {
        assertEquals(new CliTest.Result(0, "OK\n", ""), kv("put", "pgd/a", "1"));
        assertEquals(new CliTest.Result(0, "OK\n", ""), kv("put", "pgd/b", "two words"));
        assertEquals(new CliTest.Result(0, "OK\npgd/a\n1\n", ""), kv("put", "pgd/a", "one", "--prev-kv"));
        assertEquals(new CliTest.Result(0, "pgd/a\none\n", ""), kv("get", "pgd/a"));
        assertEquals(new CliTest.Result(0, "", ""), kv("get", "pgd/missing"));
        assertEquals(new CliTest.Result(0, "pgd/a\none\npgd/b\ntwo words\n", ""), kv("get", "pgd/", "--prefix"));
        assertEquals(new CliTest.Result(0, "pgd/a\none\n", ""), kv("get", "pgd/", "--prefix", "--limit", "1"));
        assertEquals(new CliTest.Result(0, "pgd/a\none\n", ""), kv("get", "pgd/a", "--serializable"));
        long before = revision();
        assertEquals(new CliTest.Result(0, "OK\n", ""), kv("put", "pgd/a", "newer"));
        assertEquals(new CliTest.Result(0, "pgd/a\none\n", ""), kv("get", "pgd/a", "--rev", Long.toString(before)));
        assertEquals(new CliTest.Result(0, "2\n", ""), kv("del", "pgd/", "--prefix"));
        assertEquals(new CliTest.Result(0, "0\n", ""), kv("del", "pgd/a"));
        assertEquals(new CliTest.Result(0, "", ""), kv("get", "pgd/", "--prefix"));
    }

    @Test
    void getJsonCarriesTheHeader() throws IOException {
        kv("put", "json/k", "v");
        CliTest.Result r = kv("get", "json/k", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertTrue(json.path("header").path("revision").asLong() > 0, r.out());
        assertTrue(json.path("header").path("raft_term").asLong() > 0, r.out());
        assertTrue(json.path("header").has("member_id"), r.out());
        assertEquals("anNvbi9r", json.path("kvs").get(0).path("key").asText(), "base64 of json/k, as etcdctl");
        assertEquals("dg==", json.path("kvs").get(0).path("value").asText());
        assertEquals(1, json.path("count").asLong());
    }

    @Test
    void txnComparesAndRunsOneBranch() {
        kv("put", "txn/k", "v1");
        assertEquals(new CliTest.Result(0, "SUCCESS\n\nOK\n\ntxn/k\nv1\n", ""),
                kv("txn", "--if", "txn/k = v1", "--then", "put txn/other x y", "--then", "get txn/k", "--else", "put txn/k lost"));
        assertEquals(new CliTest.Result(0, "FAILURE\n\ntxn/other\nx y\n", ""),
                kv("txn", "--if", "txn/k = nope", "--then", "put txn/k lost", "--else", "get txn/other"));
        assertEquals(new CliTest.Result(0, "SUCCESS\n\n1\n", ""), kv("txn", "--if", "txn/k version = 1", "--if", "txn/other != z", "--then", "del txn/other"));
        assertEquals(new CliTest.Result(0, "FAILURE\n", ""), kv("txn", "--if", "txn/k version > 1"));
    }

    @Test
    void watchReplaysFromARevisionAndFollowsLiveWrites() throws Exception {
        long start = revision() + 1;
        kv("put", "w/a", "1");
        kv("put", "w/b", "2");
        kv("del", "w/a");
        CliTest.Result replay = kv("watch", "w/", "--prefix", "--rev", Long.toString(start), "--max-events", "3");
        assertEquals(new CliTest.Result(0, "PUT rev=" + start + "\nw/a\n1\nPUT rev=" + (start + 1) + "\nw/b\n2\nDELETE rev=" + (start + 2) + "\nw/a\n\n", ""), replay);

        // From the next revision on: the put may land before the watch starts or after, never missed.
        long next = revision() + 1;
        Thread writer = new Thread(() -> rawPut("live/k", "hello"));
        writer.start();
        CliTest.Result live = kv("watch", "live/k", "--rev", Long.toString(next), "--max-events", "1");
        writer.join();
        assertEquals(0, live.exitCode(), live.toString());
        assertTrue(live.out().matches("PUT rev=\\d+\nlive/k\nhello\n"), live.out());
    }

    @Test
    void compactedRevisionIsOneEtcdStyleLine() {
        kv("put", "cmp/k", "1");
        long old = revision();
        kv("put", "cmp/k", "2");
        kv("put", "cmp/k", "3");
        retrying(() -> raw.compact(CompactionRequest.newBuilder().setRevision(old + 1).build()));
        CliTest.Result r = kv("get", "cmp/k", "--rev", Long.toString(old));
        assertEquals(new CliTest.Result(1, "", "parley: error: etcdserver: mvcc: required revision has been compacted\n"), r);
        CliTest.Result w = kv("watch", "cmp/k", "--rev", Long.toString(old));
        assertEquals(1, w.exitCode(), w.toString());
        assertTrue(w.err().startsWith("parley: error: etcdserver: mvcc: required revision has been compacted"), w.err());
    }

    @Test
    void skipsAnUnreachableEndpointAndNamesItWhenNoneAnswers() {
        String dead = "127.0.0.1:" + deadPort;
        assertEquals(new CliTest.Result(0, "OK\n", ""), run("kv", "put", "fail/k", "v", "--endpoints", dead + "," + endpoints));
        assertEquals(new CliTest.Result(0, "fail/k\nv\n", ""), run("kv", "get", "fail/k", "--endpoints", dead + "," + endpoints));
        CliTest.Result r = run("kv", "get", "fail/k", "--endpoints", dead);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("parley: error: cannot reach " + dead + " (connection refused)\n", r.err());
        CliTest.Result w = run("kv", "watch", "fail/k", "--endpoints", dead);
        assertEquals(1, w.exitCode(), w.toString());
        assertEquals("parley: error: cannot reach " + dead + " (connection refused)\n", w.err());
    }

    @Test
    void clusterStatusShowsEveryNodeSideBySideWithOneLeader() {
        String dead = "127.0.0.1:" + deadPort;
        CliTest.Result r = run("cluster", "status", "--http", httpAddresses + "," + dead);
        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().split("\n");
        for (String address : httpAddresses.split(",")) assertTrue(lines[0].contains(address), r.out());
        assertTrue(lines[0].contains(dead), r.out());
        String nodeRow = Arrays.stream(lines).filter(l -> l.strip().startsWith("node ")).findFirst().orElseThrow();
        assertTrue(nodeRow.matches("\\s*node\\s+1\\s+2\\s+3\\s+unreachable"), r.out());
        String roleRow = Arrays.stream(lines).filter(l -> l.strip().startsWith("role ")).findFirst().orElseThrow();
        assertEquals(1, Arrays.stream(roleRow.strip().split("\\s+")).filter("leader"::equals).count(), r.out());
        assertEquals(2, Arrays.stream(roleRow.strip().split("\\s+")).filter("follower"::equals).count(), r.out());
        long leader = nodes.entrySet().stream().filter(e -> e.getValue().isLeader()).findFirst().orElseThrow().getKey();
        assertTrue(r.out().contains("3 of 4 nodes answered; leader: node " + leader + " (term "), r.out());
        assertTrue(r.out().contains("all agree on the leader"), r.out());
        assertTrue(r.out().contains("contact"), r.out());
        for (String row : new String[] {"term", "leader", "commit index", "applied index", "revision", "config"}) {
            assertTrue(Arrays.stream(lines).anyMatch(l -> l.substring(2).startsWith(row + " ")), row + " row in\n" + r.out());
        }
        for (int id = 1; id <= 3; id++) {
            String member = "member " + id + " ";
            String row = Arrays.stream(lines).filter(l -> l.substring(2).startsWith(member)).findFirst()
                    .orElseThrow(() -> new AssertionError(member + "row (SWIM view) in\n" + r.out()));
            assertTrue(row.contains("(self)") && row.matches(".*(alive|suspect) #\\d+.*"), row);
        }
        CliTest.Result none = run("cluster", "status", "--http", dead);
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.out().contains("unreachable"), none.out());
    }

    /**
     * The keyspace commands end to end: create answers once the keyspace serves, list and describe
     * show it, mistakes are one line each with exit 1 and no stack trace, a range spanning keyspaces
     * is refused naming both, and drop removes it (its keys fall back to the default keyspace).
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void keyspacesAreCreatedListedDescribedAndDroppedWithClearErrors() {
        CliTest.Result created = run("keyspace", "create", "ksorders", "--prefix", "ksorders/", "--endpoints", endpoints);
        assertEquals(0, created.exitCode(), created.toString());
        assertTrue(created.out().startsWith("ksorders ") && created.out().contains("\"ksorders/\"") && created.out().contains("linearizable"),
                created.out());
        assertEquals(new CliTest.Result(0, "OK\n", ""), kv("put", "ksorders/1", "a"));
        assertEquals(new CliTest.Result(0, "ksorders/1\na\n", ""), kv("get", "ksorders/", "--prefix"));

        CliTest.Result list = run("keyspace", "list", "--endpoints", endpoints);
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.out().startsWith("default ") && list.out().contains("\nksorders "), list.out());
        CliTest.Result describe = run("keyspace", "describe", "ksorders", "--json", "--endpoints", endpoints);
        assertTrue(describe.out().contains("\"state\" : \"active\""), describe.out());

        CliTest.Result overlap = run("keyspace", "create", "other", "--prefix", "ksorders/x", "--endpoints", endpoints);
        assertEquals(1, overlap.exitCode(), overlap.toString());
        assertTrue(overlap.out().isEmpty() && overlap.err().startsWith("parley: error: prefix \"ksorders/x\" overlaps keyspace ksorders (prefix \"ksorders/\""),
                overlap.toString());
        CliTest.Result badName = run("keyspace", "create", "Bad Name", "--prefix", "b/", "--endpoints", endpoints);
        assertEquals(1, badName.exitCode(), badName.toString());
        assertTrue(badName.err().startsWith("parley: error: keyspace name \"Bad Name\" must be") && !badName.err().contains("Exception"), badName.err());
        CliTest.Result badMode = run("keyspace", "create", "ev", "--prefix", "ev/", "--mode", "eventual", "--endpoints", endpoints);
        assertEquals(new CliTest.Result(1, "", "parley: error: mode eventual is not available yet: keyspaces are linearizable (Raft) today\n"), badMode);
        CliTest.Result missing = run("keyspace", "drop", "nosuch", "--endpoints", endpoints);
        assertEquals(new CliTest.Result(1, "", "parley: error: no keyspace named nosuch\n"), missing);
        CliTest.Result spanning = kv("get", "ksorders", "--prefix");
        assertEquals(1, spanning.exitCode(), spanning.toString());
        assertTrue(spanning.err().contains("spans keyspaces default and ksorders"), spanning.err());

        CliTest.Result dropped = run("keyspace", "drop", "ksorders", "--endpoints", endpoints);
        assertEquals(0, dropped.exitCode(), dropped.toString());
        assertTrue(dropped.out().startsWith("dropped ksorders (group "), dropped.out());
        assertEquals(new CliTest.Result(0, "", ""), kv("get", "ksorders/", "--prefix"), "the keys went with the keyspace");
        CliTest.Result after = run("keyspace", "list", "--endpoints", endpoints);
        assertTrue(!after.out().contains("ksorders"), after.out());
    }

    /** Runs last: it stops a follower for good (the other two still make a quorum). */
    @Test
    @Order(Integer.MAX_VALUE)
    void watchMovesToTheNextEndpointWhenItsNodeStopsAndMissesNothing() throws Exception {
        long victim = nodes.keySet().stream().filter(id -> id != 1 && !nodes.get(id).isLeader()).findFirst().orElseThrow();
        String first = "127.0.0.1:" + nodes.get(victim).clientPort();
        long start = revision() + 1;
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(500);
                rawPut("move/k", "before");
                Thread.sleep(300);
                nodes.remove(victim).close();
                rawPut("move/k", "after");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        CliTest.Result r = run("kv", "watch", "move/k", "--max-events", "2", "--endpoints", first + "," + endpoints);
        writer.join();
        assertEquals(new CliTest.Result(0, "PUT rev=" + start + "\nmove/k\nbefore\nPUT rev=" + (start + 1) + "\nmove/k\nafter\n", ""), r);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "kv put onlykey", "kv get", "kv get k --limit -1", "kv get k --rev x", "kv put k v --endpoints nocolon",
        "kv put k v --endpoints 127.0.0.1:99999", "kv put k v --timeout-ms 0", "kv put k v --lease zz", "kv get k --no-such-flag",
        "kv txn --if k~v", "kv txn --if k_version_=_x", "kv txn --then frob_k", "kv txn", "kv watch k --max-events -1",
        "cluster status --http x", "cluster bogus"
    })
    void badInputIsOneClearLineAndExitTwo(String args) {
        CliTest.Result result = run(Arrays.stream(args.split(" ")).map(a -> a.replace('_', ' ')).toArray(String[]::new));
        assertEquals(2, result.exitCode(), result.toString());
        String[] lines = result.err().strip().split("\n");
        assertTrue(lines[0].startsWith("parley: error: "), result.err());
        assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), "no stack traces: " + result.err());
        assertEquals(1, lines.length, "one line: " + result.err());
    }

    @Test
    void helpIsEverywhere() {
        for (String[] args : new String[][] {{"kv", "--help"}, {"kv", "put", "--help"}, {"kv", "txn", "--help"}, {"cluster", "status", "--help"}}) {
            CliTest.Result r = run(args);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().startsWith("Usage: parley "), r.out());
        }
    }

    /** Runs the command line, capturing what it prints (CliTest's helper). */
    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    static ServerConfig config(long id, Path dir, int[] peerPorts) throws Exception {
        List<String> lines = new ArrayList<>(List.of("node-id = " + id, "cluster-name = test", "initial-cluster-state = new", "data-dir = " + dir.resolve("n" + id),
                "client-listen = 127.0.0.1:0", "http-listen = 127.0.0.1:0",
                "election-timeout-ms-min = 1000", "election-timeout-ms-max = 2000", "heartbeat-interval-ms = 100"));
        for (int i = 0; i < 3; i++) lines.add("member." + (i + 1) + " = 127.0.0.1:" + peerPorts[i] + " 127.0.0.1:0");
        return ServerConfig.parse("test", lines);
    }

    static int[] freePorts(int count) throws IOException {
        return KillNineTest.freePorts(count);
    }
}
