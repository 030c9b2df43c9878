package parley.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley kv}: put, get, del, watch and txn over the etcd v3 gRPC API, with etcdctl's simple
 * output. Works against any etcd-API endpoint, Parley's or etcd's.
 */
@Command(
        name = "kv",
        mixinStandardHelpOptions = true,
        description = {
            "Reads and writes keys over the etcd v3 gRPC API (any etcd-API endpoint), printing what etcdctl prints.",
            "Each request goes to the first endpoint that answers; an unreachable endpoint is skipped.",
            "Exit 0 on success, 1 when the cluster refuses or cannot be reached, 2 for bad flags."
        },
        subcommands = {KvCommand.Put.class, KvCommand.Get.class, KvCommand.Del.class, KvCommand.Watch.class, KvCommand.Txn.class})
final class KvCommand implements Runnable {
    static final String DEFAULT_ENDPOINTS = "127.0.0.1:2379,127.0.0.1:2479,127.0.0.1:2579";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A failure of the cluster or the network rather than of the user: one line, exit 1. */
    static final class RemoteError extends RuntimeException {
        RemoteError(String message) {
            super(message);
        }
    }

    /** The connection flags every subcommand takes, and the endpoint failover. */
    static final class Connection {
        @Option(names = "--endpoints", defaultValue = DEFAULT_ENDPOINTS, paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "Client endpoints, tried in order (default ${DEFAULT-VALUE}).")
        String endpoints;

        @Option(names = "--timeout-ms", defaultValue = "5000", description = "Deadline of each request (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

        List<String> endpointList() {
            if (timeoutMs < 1) throw new UserError("--timeout-ms must be positive, got " + timeoutMs);
            return parseEndpoints("--endpoints", endpoints);
        }

        ManagedChannel channel(String endpoint) {
            return channels.computeIfAbsent(endpoint, e -> {
                int colon = e.lastIndexOf(':');
                return ManagedChannelBuilder.forAddress(e.substring(0, colon), Integer.parseInt(e.substring(colon + 1)))
                        .usePlaintext().build();
            });
        }

        /**
         * Runs one unary request on the first endpoint that takes it. A request moves on to the next
         * endpoint only when it certainly was not applied: the connection failed, or the node had no leader.
         */
        <T> T call(Function<ManagedChannel, T> rpc) {
            List<String> list = endpointList();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                List<String> failures = new ArrayList<>();
                boolean electing = false;
                for (String endpoint : list) {
                    try {
                        return rpc.apply(channel(endpoint));
                    } catch (StatusRuntimeException e) {
                        if (!retryElsewhere(e.getStatus())) throw remoteError(endpoint, e.getStatus(), timeoutMs);
                        electing |= "etcdserver: no leader".equals(e.getStatus().getDescription());
                        failures.add(endpoint + " (" + reason(e.getStatus()) + ")");
                    }
                }
                // A node that answers "no leader" is in an election: wait for it, as etcd's clients do,
                // until --timeout-ms. Nodes that cannot be reached at all fail at once.
                if (!electing || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100) > deadline) {
                    throw new RemoteError(unreachable(failures));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RemoteError(unreachable(failures));
                }
            }
        }

        void close() {
            for (ManagedChannel c : channels.values()) c.shutdownNow();
            for (ManagedChannel c : channels.values()) {
                try {
                    c.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            channels.clear();
        }
    }

    /** The endpoints of {@code text} as HOST:PORT strings (see {@link Endpoints#parse}). */
    static List<String> parseEndpoints(String flag, String text) {
        return Endpoints.parse(flag, text).stream().map(Endpoints.Endpoint::toString).toList();
    }

    /** Failures after which the request was certainly not applied, so another endpoint may try it. */
    static boolean retryElsewhere(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) return false;
        String d = status.getDescription();
        return d == null || !d.startsWith("etcdserver:") || d.equals("etcdserver: no leader") || d.equals("etcdserver: server stopped");
    }

    static String unreachable(List<String> failures) {
        return (failures.size() == 1 ? "cannot reach " : "cannot reach any endpoint: ") + String.join(", ", failures);
    }

    static String reason(Status status) {
        Throwable cause = status.getCause();
        while (cause != null && cause.getCause() != null && cause.getMessage() == null) cause = cause.getCause();
        String d = status.getDescription();
        if (d != null && d.startsWith("etcdserver:")) return d;
        if (cause != null && cause.getMessage() != null) {
            String m = cause.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("connection refused")) return "connection refused";
            return cause.getMessage().replaceAll("\\s+", " ");
        }
        return d != null ? d : status.getCode().name().toLowerCase(Locale.ROOT);
    }

    static RemoteError remoteError(String endpoint, Status status, long timeoutMs) {
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return new RemoteError(endpoint + ": no reply within " + timeoutMs + " ms (--timeout-ms); a write may or may not have been applied");
        }
        String d = status.getDescription();
        if (d == null || d.isBlank()) return new RemoteError(endpoint + ": " + status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        return new RemoteError(d.replaceFirst("^parley: ", "").replaceAll("\\s+", " "));
    }

    /** Shared body of every subcommand: run, close the channels, turn failures into one line. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin Connection connection;

        @Override
        public final Integer call() {
            connection.endpointList(); // validate flags before any network traffic
            try {
                return execute(System.out);
            } catch (RemoteError e) {
                System.out.flush();
                System.err.println("parley: error: " + e.getMessage());
                System.err.flush();
                return 1;
            } finally {
                connection.close();
            }
        }

        abstract int execute(PrintStream out);

        long deadlineMs() {
            return connection.timeoutMs;
        }

        KVGrpc.KVBlockingStub kv(ManagedChannel channel) {
            return KVGrpc.newBlockingStub(channel).withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
        }
    }

    static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** The range end that makes {@code key} a prefix, as etcd defines it ("\0" for everything). */
    /** The end of the range of keys that start with {@code key}: the store's own rule ({@link parley.kv.KeyRange#prefixEnd}). */
    static ByteString prefixEnd(ByteString key) {
        return ByteString.copyFrom(parley.kv.KeyRange.prefixEnd(parley.kv.Bytes.of(key.toByteArray())).bytes());
    }

    static long parseLease(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new UserError("--lease: expected a lease id in hex (as etcdctl prints it), got '" + text + "'");
        }
    }

    static void printKv(PrintStream out, KeyValue kv) {
        out.println(kv.getKey().toStringUtf8());
        out.println(kv.getValue().toStringUtf8());
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Writes VALUE under KEY and prints OK.")
    static final class Put extends Sub {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;
        @Option(names = "--lease", paramLabel = "ID", description = "Attach the key to this lease (hex id, as etcdctl prints it).") String lease;
        @Option(names = "--prev-kv", description = "Also print the previous key and value.") boolean prevKv;

        @Override
        int execute(PrintStream out) {
            PutRequest.Builder req = PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).setPrevKv(prevKv);
            if (lease != null) req.setLease(parseLease(lease));
            PutResponse resp = connection.call(ch -> kv(ch).put(req.build()));
            out.println("OK");
            if (prevKv && resp.hasPrevKv()) printKv(out, resp.getPrevKv());
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Prints each key and its value on two lines, as etcdctl does; --json prints the whole response with its header.")
    static final class Get extends Sub {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Option(names = "--prefix", description = "Every key that starts with KEY.") boolean prefix;
        @Option(names = "--rev", paramLabel = "R", description = "Read as of revision R (0: latest).") long rev;
        @Option(names = "--limit", paramLabel = "N", description = "At most N keys (0: no limit).") long limit;
        @Option(names = "--serializable", description = "Read the endpoint's local state without a quorum round (may be stale).") boolean serializable;
        @Option(names = "--json", description = "Print the response as JSON like etcdctl -w json (keys and values in base64).") boolean json;

        @Override
        int execute(PrintStream out) {
            if (rev < 0) throw new UserError("--rev must be >= 0, got " + rev);
            if (limit < 0) throw new UserError("--limit must be >= 0, got " + limit);
            RangeRequest req = rangeRequest(key, prefix).setRevision(rev).setLimit(limit).setSerializable(serializable).build();
            RangeResponse resp = connection.call(ch -> kv(ch).range(req));
            if (json) {
                out.println(toJson(resp));
            } else {
                for (KeyValue kv : resp.getKvsList()) printKv(out, kv);
            }
            return 0;
        }
    }

    static RangeRequest.Builder rangeRequest(String key, boolean prefix) {
        RangeRequest.Builder req = RangeRequest.newBuilder().setKey(bytes(key));
        if (prefix) req.setRangeEnd(prefixEnd(bytes(key)));
        return req;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static String toJson(RangeResponse resp) {
        ObjectNode root = JSON.createObjectNode();
        root.set("header", header(resp.getHeader()));
        ArrayNode kvs = root.putArray("kvs");
        Base64.Encoder b64 = Base64.getEncoder();
        for (KeyValue kv : resp.getKvsList()) {
            ObjectNode n = kvs.addObject();
            n.put("key", b64.encodeToString(kv.getKey().toByteArray()));
            n.put("create_revision", kv.getCreateRevision());
            n.put("mod_revision", kv.getModRevision());
            n.put("version", kv.getVersion());
            n.put("value", b64.encodeToString(kv.getValue().toByteArray()));
            if (kv.getLease() != 0) n.put("lease", kv.getLease());
        }
        if (resp.getMore()) root.put("more", true);
        root.put("count", resp.getCount());
        return root.toString();
    }

    static ObjectNode header(ResponseHeader h) {
        ObjectNode n = JSON.createObjectNode();
        // etcdctl prints the two ids as unsigned 64-bit numbers.
        n.put("cluster_id", new java.math.BigInteger(Long.toUnsignedString(h.getClusterId())));
        n.put("member_id", new java.math.BigInteger(Long.toUnsignedString(h.getMemberId())));
        n.put("revision", h.getRevision());
        n.put("raft_term", h.getRaftTerm());
        return n;
    }

    @Command(name = "del", mixinStandardHelpOptions = true, description = "Deletes KEY (or every key with the prefix) and prints how many were deleted.")
    static final class Del extends Sub {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Option(names = "--prefix", description = "Every key that starts with KEY.") boolean prefix;
        @Option(names = "--prev-kv", description = "Also print the deleted keys and values.") boolean prevKv;

        @Override
        int execute(PrintStream out) {
            DeleteRangeRequest.Builder req = DeleteRangeRequest.newBuilder().setKey(bytes(key)).setPrevKv(prevKv);
            if (prefix) req.setRangeEnd(prefixEnd(bytes(key)));
            DeleteRangeResponse resp = connection.call(ch -> kv(ch).deleteRange(req.build()));
            printDel(out, resp);
            return 0;
        }
    }

    static void printDel(PrintStream out, DeleteRangeResponse resp) {
        out.println(resp.getDeleted());
        for (KeyValue kv : resp.getPrevKvsList()) printKv(out, kv);
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Prints each change to KEY as it happens: the event type and revision, the key, the value (empty for DELETE), until Ctrl-C.",
                "When the endpoint goes away the watch moves to the next one and resumes after the last revision it printed."})
    static final class Watch extends Sub {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Option(names = "--prefix", description = "Every key that starts with KEY.") boolean prefix;
        @Option(names = "--rev", paramLabel = "R", description = "Start at revision R, replaying history since then (0: from now).") long rev;
        @Option(names = "--max-events", paramLabel = "N", description = "Stop after N events (0: never).") long maxEvents;

        private static final Object COMPLETED = new Object();

        @Override
        int execute(PrintStream out) {
            if (rev < 0) throw new UserError("--rev must be >= 0, got " + rev);
            if (maxEvents < 0) throw new UserError("--max-events must be >= 0, got " + maxEvents);
            List<String> endpoints = connection.endpointList();
            long startRev = rev;
            long printed = 0;
            List<String> failures = new ArrayList<>();
            int index = 0;
            while (failures.size() < endpoints.size()) {
                String endpoint = endpoints.get(index);
                index = (index + 1) % endpoints.size();
                BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
                StreamObserver<WatchRequest> requests = WatchGrpc.newStub(connection.channel(endpoint)).watch(new StreamObserver<>() {
                    @Override public void onNext(WatchResponse r) { queue.add(r); }
                    @Override public void onError(Throwable t) { queue.add(t); }
                    @Override public void onCompleted() { queue.add(COMPLETED); }
                });
                WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder().setKey(bytes(key)).setStartRevision(startRev);
                if (prefix) create.setRangeEnd(prefixEnd(bytes(key)));
                requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
                while (true) {
                    Object item;
                    try {
                        item = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        requests.onCompleted();
                        return 0;
                    }
                    if (item instanceof WatchResponse r) {
                        failures.clear();
                        // A watch "from now" is pinned to the revision it started at, so a resume elsewhere misses nothing.
                        if (r.getCreated() && startRev == 0 && r.getHeader().getRevision() > 0) startRev = r.getHeader().getRevision() + 1;
                        for (Event ev : r.getEventsList()) {
                            KeyValue kv = ev.getKv();
                            out.println((ev.getType() == Event.EventType.DELETE ? "DELETE" : "PUT") + " rev=" + kv.getModRevision());
                            printKv(out, kv);
                            out.flush();
                            startRev = kv.getModRevision() + 1;
                            if (maxEvents > 0 && ++printed >= maxEvents) {
                                requests.onCompleted();
                                return 0;
                            }
                        }
                        if (r.getCanceled()) {
                            requests.onCompleted();
                            if (r.getCompactRevision() > 0) {
                                throw new RemoteError("etcdserver: mvcc: required revision has been compacted (compacted through "
                                        + r.getCompactRevision() + ")");
                            }
                            throw new RemoteError(r.getCancelReason().isBlank() ? endpoint + ": watch canceled by the server" : r.getCancelReason());
                        }
                    } else if (item instanceof Throwable t) {
                        Status status = Status.fromThrowable(t);
                        if (!retryElsewhere(status)) throw remoteError(endpoint, status, connection.timeoutMs);
                        failures.add(endpoint + " (" + reason(status) + ")");
                        break;
                    } else {
                        failures.add(endpoint + " (stream closed by the server)");
                        break;
                    }
                }
            }
            throw new RemoteError(unreachable(failures));
        }
    }

    @Command(name = "txn", mixinStandardHelpOptions = true,
            description = {"Runs a transaction: if every --if holds, the --then operations, else the --else ones. Prints SUCCESS or FAILURE, then each operation's result after a blank line (as etcdctl).",
                "Conditions: 'KEY = VALUE', 'KEY != VALUE', or 'KEY version|create|mod|value OP N' with OP one of = != < >.",
                "Operations: 'put KEY VALUE', 'get KEY', 'del KEY'.",
                "Example: parley kv txn --if 'leader = n1' --then 'put leader n2' --else 'get leader'"})
    static final class Txn extends Sub {
        @Option(names = "--if", paramLabel = "CONDITION", description = "A comparison; all must hold.") List<String> conditions = new ArrayList<>();
        @Option(names = "--then", paramLabel = "OP", description = "An operation run when every condition holds.") List<String> thenOps = new ArrayList<>();
        @Option(names = "--else", paramLabel = "OP", description = "An operation run otherwise.") List<String> elseOps = new ArrayList<>();

        @Override
        int execute(PrintStream out) {
            TxnRequest.Builder req = TxnRequest.newBuilder();
            for (String c : conditions) req.addCompare(parseCompare(c));
            for (String op : thenOps) req.addSuccess(parseOp("--then", op));
            for (String op : elseOps) req.addFailure(parseOp("--else", op));
            if (conditions.isEmpty() && thenOps.isEmpty() && elseOps.isEmpty()) throw new UserError("txn: give at least one --if, --then or --else");
            TxnResponse resp = connection.call(ch -> kv(ch).txn(req.build()));
            out.println(resp.getSucceeded() ? "SUCCESS" : "FAILURE");
            for (ResponseOp r : resp.getResponsesList()) {
                out.println();
                switch (r.getResponseCase()) {
                    case RESPONSE_PUT -> out.println("OK");
                    case RESPONSE_RANGE -> r.getResponseRange().getKvsList().forEach(kv -> printKv(out, kv));
                    case RESPONSE_DELETE_RANGE -> printDel(out, r.getResponseDeleteRange());
                    default -> out.println(r.getResponseCase().name().toLowerCase(Locale.ROOT));
                }
            }
            return 0;
        }
    }

    private static final List<String> OPERATORS = List.of("=", "!=", "<", ">");

    static Compare parseCompare(String text) {
        String t = text.strip();
        String[] head = t.split("\\s+", 4);
        if (head.length < 2) throw new UserError("--if: expected 'KEY = VALUE' or 'KEY version = N', got '" + text + "'");
        String key = unquote(head[0]);
        Compare.Builder c = Compare.newBuilder().setKey(bytes(key));
        String op;
        String operand;
        Compare.CompareTarget target;
        if (OPERATORS.contains(head[1])) {
            target = Compare.CompareTarget.VALUE;
            op = head[1];
            operand = restAfter(t, 2);
        } else {
            target = switch (head[1].toLowerCase(Locale.ROOT)) {
                case "version" -> Compare.CompareTarget.VERSION;
                case "create", "create_revision", "create-revision" -> Compare.CompareTarget.CREATE;
                case "mod", "mod_revision", "mod-revision" -> Compare.CompareTarget.MOD;
                case "value" -> Compare.CompareTarget.VALUE;
                default -> throw new UserError("--if: expected an operator (= != < >) or version|create|mod|value after the key in '" + text + "'");
            };
            if (head.length < 3 || !OPERATORS.contains(head[2])) throw new UserError("--if: expected an operator (= != < >) in '" + text + "'");
            op = head[2];
            operand = restAfter(t, 3);
        }
        if (operand == null) throw new UserError("--if: missing the value to compare with in '" + text + "'");
        c.setTarget(target).setResult(switch (op) {
            case "=" -> Compare.CompareResult.EQUAL;
            case "!=" -> Compare.CompareResult.NOT_EQUAL;
            case "<" -> Compare.CompareResult.LESS;
            default -> Compare.CompareResult.GREATER;
        });
        if (target == Compare.CompareTarget.VALUE) {
            c.setValue(bytes(unquote(operand)));
        } else {
            long n;
            try {
                n = Long.parseLong(operand.strip());
            } catch (NumberFormatException e) {
                throw new UserError("--if: expected a number after the operator in '" + text + "'");
            }
            switch (target) {
                case VERSION -> c.setVersion(n);
                case CREATE -> c.setCreateRevision(n);
                default -> c.setModRevision(n);
            }
        }
        return c.build();
    }

    static RequestOp parseOp(String flag, String text) {
        String t = text.strip();
        String[] head = t.split("\\s+", 3);
        String verb = head[0].toLowerCase(Locale.ROOT);
        if (head.length < 2) throw new UserError(flag + ": expected 'put KEY VALUE', 'get KEY' or 'del KEY', got '" + text + "'");
        ByteString key = bytes(unquote(head[1]));
        return switch (verb) {
            case "put" -> {
                String value = restAfter(t, 2);
                if (value == null) throw new UserError(flag + ": 'put' needs a KEY and a VALUE, got '" + text + "'");
                yield RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(bytes(unquote(value)))).build();
            }
            case "get" -> {
                if (head.length > 2) throw new UserError(flag + ": 'get' takes one KEY, got '" + text + "'");
                yield RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)).build();
            }
            case "del", "delete" -> {
                if (head.length > 2) throw new UserError(flag + ": 'del' takes one KEY, got '" + text + "'");
                yield RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build();
            }
            default -> throw new UserError(flag + ": unknown operation '" + head[0] + "'; expected put, get or del");
        };
    }

    /** The text after the first {@code tokens} whitespace-separated tokens, or null when there is none. */
    static String restAfter(String text, int tokens) {
        int i = 0;
        for (int n = 0; n < tokens; n++) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) i++;
        }
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i >= text.length() ? null : text.substring(i);
    }

    static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) return t.substring(1, t.length() - 1);
        return t;
    }
}
