package parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.server.ServerConfig;
import parley.server.ServerNode;

/**
 * The real etcdctl (Debian's etcd-client, etcd 3.4) against a running three-node Parley cluster,
 * talking to followers as well as the leader: requests a follower receives are forwarded.
 */
class EtcdctlClusterTest {
    @TempDir static Path dir;
    static final Map<Long, ServerNode> nodes = new TreeMap<>();
    static String follower;
    static String allEndpoints;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(etcdctlInstalled(), "etcdctl is not installed (apt-get install etcd-client; .ci/run installs it)");
        int[] ports = KillNineTest.freePorts(6);
        for (long id = 1; id <= 3; id++) {
            List<String> lines = new ArrayList<>(List.of("node-id = " + id, "cluster-name = etcdctl", "initial-cluster-state = new", "data-dir = " + dir.resolve("n" + id),
                    "http-listen = 127.0.0.1:0", "election-timeout-ms-min = 300", "election-timeout-ms-max = 600", "heartbeat-interval-ms = 50"));
            for (int m = 0; m < 3; m++) {
                lines.add("member." + (m + 1) + " = 127.0.0.1:" + ports[2 * m] + " 127.0.0.1:" + ports[2 * m + 1]);
            }
            nodes.put(id, ServerNode.start(ServerConfig.parse("n" + id, lines)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        // Every member knows the leader (a member that does not yet answers "no leader").
        while ((nodes.values().stream().noneMatch(ServerNode::isLeader)
                || nodes.values().stream().anyMatch(n -> n.node().status().leaderId() == 0)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ServerNode followerNode = nodes.values().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
        follower = "127.0.0.1:" + followerNode.clientPort();
        allEndpoints = String.join(",", nodes.values().stream().map(n -> "127.0.0.1:" + n.clientPort()).toList());
    }

    @AfterAll
    static void stopCluster() {
        nodes.values().forEach(ServerNode::close);
    }

    @Test
    void putGetDeleteThroughAFollower() throws Exception {
        assertEquals("OK", etcdctl(follower, "put", "fruit/apple", "red"));
        assertEquals("OK", etcdctl(follower, "put", "fruit/pear", "green"));
        assertEquals("fruit/apple\nred\nfruit/pear\ngreen", etcdctl(allEndpoints, "get", "fruit/", "--prefix"));
        String json = etcdctl(follower, "get", "fruit/apple", "-w", "json");
        assertTrue(json.contains("\"raft_term\"") && json.contains("\"revision\""), json);
        assertEquals("2", etcdctl(follower, "del", "fruit/", "--prefix"));
        assertEquals("", etcdctl(follower, "get", "fruit/", "--prefix"));
    }

    @Test
    void txnAndLeases() throws Exception {
        etcdctl(follower, "put", "flag", "on");
        assertEquals("SUCCESS\n\nOK", etcdctlWithInput(follower, "value(\"flag\") = \"on\"\n\nput flag off\n\nput flag broken\n\n", "txn"));
        assertEquals("flag\noff", etcdctl(follower, "get", "flag"));
        String grant = etcdctl(follower, "lease", "grant", "60");
        assertTrue(grant.matches("lease [0-9a-f]+ granted with TTL\\(60s\\)"), grant);
        String lease = grant.split(" ")[1];
        assertEquals("OK", etcdctl(follower, "put", "session", "alive", "--lease=" + lease));
        assertTrue(etcdctl(follower, "lease", "timetolive", lease, "--keys").contains("attached keys([session])"));
        assertTrue(etcdctl(follower, "lease", "keep-alive", "--once", lease).contains("keepalived with TTL(60)"));
        assertEquals("lease " + lease + " revoked", etcdctl(follower, "lease", "revoke", lease));
        assertEquals("", etcdctl(follower, "get", "session"), "revoking the lease deleted its key");
    }

    @Test
    void watchSeesEveryChangeInOrder() throws Exception {
        Path out = Files.createTempFile(dir, "watch", ".out");
        ProcessBuilder builder = new ProcessBuilder("etcdctl", "--endpoints", follower, "watch", "w", "--rev", "1")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("ETCDCTL_API", "3");
        Process watch = builder.start();
        watch.getOutputStream().close();
        // The watch replays from revision 1, so it may start before or after the writes.
        etcdctl(allEndpoints, "put", "w", "one");
        etcdctl(allEndpoints, "put", "w", "two");
        etcdctl(allEndpoints, "del", "w");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(out).contains("DELETE\nw") && System.nanoTime() < deadline) Thread.onSpinWait();
        watch.destroy();
        watch.waitFor(5, TimeUnit.SECONDS);
        assertEquals("PUT\nw\none\nPUT\nw\ntwo\nDELETE\nw", Files.readString(out).strip());
    }

    @Test
    void memberListAndEndpointStatus() throws Exception {
        String members = etcdctl(follower, "member", "list");
        assertEquals(3, members.lines().count(), members);
        assertTrue(members.contains("started, n1,") && members.contains("started, n3,"), members);
        String status = etcdctl(allEndpoints, "endpoint", "status");
        assertEquals(3, status.lines().count(), status);
        assertEquals(1, status.lines().filter(l -> l.contains(", true, false,")).count(), "exactly one leader: " + status);
    }

    @Test
    void operationsRpcsHashKvDefragMoveLeaderAndOneWordingForWhatIsMissing() throws Exception {
        for (int i = 0; i < 20; i++) etcdctl(allEndpoints, "put", "ops/" + i, "v" + i);
        String revision = etcdctl(allEndpoints, "get", "ops/0", "-w", "json").replaceAll(".*\"revision\":([0-9]+).*", "$1");
        // etcd's corruption check: every member hashes the same history at the same revision.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.Set<String> hashes;
        do {
            String hashkv = etcdctl(allEndpoints, "endpoint", "hashkv", "--rev", revision, "-w", "json");
            hashes = new java.util.TreeSet<>(java.util.regex.Pattern.compile("\"hash\":([0-9]+)").matcher(hashkv).results()
                    .map(m -> m.group(1)).toList());
            assertEquals(3, java.util.regex.Pattern.compile("\"hash\":").matcher(hashkv).results().count(), hashkv);
        } while (hashes.size() != 1 && System.nanoTime() < deadline && sleep());
        assertEquals(1, hashes.size(), "the three members hash revision " + revision + " alike: " + hashes);
        String future = etcdctlFailing(follower, "endpoint", "hashkv", "--rev", "999999999");
        assertTrue(future.contains("required revision is a future revision"), future);

        String defrag = etcdctl(allEndpoints, "defrag");
        assertEquals(3, defrag.lines().filter(l -> l.startsWith("Finished defragmenting etcd member")).count(), defrag);
        assertEquals("ops/7\nv7", etcdctl(follower, "get", "ops/7"), "the data is all there after a defrag");

        ServerNode leader = nodes.values().stream().filter(ServerNode::isLeader).findFirst().orElseThrow();
        ServerNode target = nodes.values().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
        String moved = etcdctl(allEndpoints, "move-leader", Long.toHexString(target.config().nodeId()));
        assertTrue(moved.startsWith("Leadership transferred from " + Long.toHexString(leader.config().nodeId())
                + " to " + Long.toHexString(target.config().nodeId())), moved);
        assertTrue(target.isLeader(), "the target leads now");
        assertEquals("OK", etcdctl(allEndpoints, "put", "after-move", "ok"));

        String status = etcdctl(follower, "endpoint", "status");
        assertTrue(status.contains(", 3.4.0, "), "the etcd API version served: " + status);
        for (String[] missing : List.of(new String[] {"user", "add", "alice:secret"}, new String[] {"alarm", "list"})) {
            String refused = etcdctlFailing(follower, missing);
            assertTrue(refused.contains("is not implemented (see docs/server.md)"), String.join(" ", missing) + ": " + refused);
        }
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    /** Runs etcdctl expecting it to fail; returns what it printed. */
    static String etcdctlFailing(String endpoints, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoints, "--command-timeout=10s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "etcdctl finished");
        assertTrue(process.exitValue() != 0, "etcdctl " + command + " should fail: " + out);
        return out;
    }

    private static boolean etcdctlInstalled() {
        try {
            return new ProcessBuilder("etcdctl", "version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String etcdctl(String endpoints, String... args) throws Exception {
        return etcdctlWithInput(endpoints, null, args);
    }

    static String etcdctlWithInput(String endpoints, String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoints, "--command-timeout=10s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Path err = Files.createTempFile(dir, "etcdctl", ".err");
        Process process = builder.redirectError(err.toFile()).start();
        if (input != null) process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "etcdctl finished");
        assertEquals(0, process.exitValue(), "etcdctl " + command + " failed: " + out + Files.readString(err));
        return out;
    }
}
