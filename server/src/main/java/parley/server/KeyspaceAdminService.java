package parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.HexFormat;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import parley.etcdapi.EtcdErrors;
import parley.keyspace.Keyspace;
import parley.keyspace.KeyspaceRegistry;
import parley.kv.Bytes;
import parley.kv.KeyRange;
import parley.kv.KvCommand;
import parley.kv.KvResult;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;

/**
 * Serves {@link KeyspaceAdminApi}: reads the registry from the metadata group (linearizably, through
 * its leader), decides a change on what it read, and writes it as a transaction guarded by that very
 * registry ({@link KeyspaceRegistry#createCommand}). When another change got in first the guard fails
 * and the change is decided again, at most {@link #ATTEMPTS_MAX} times.
 *
 * <p>A create answers once the keyspace is ACTIVE on this node (the default keyspace fenced against
 * nodes that do not know it yet, its group led), so it takes requests by the time the caller hears of
 * it; a drop answers once this node destroyed its group (see docs/keyspaces.md).
 */
final class KeyspaceAdminService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS_MAX = 5;
    /** How long a create waits for its group to elect a leader here before answering anyway. */
    private static final long GROUP_READY_WAIT_MS = 10_000;
    private static final long GROUP_READY_POLL_MS = 10;

    private final RaftKvNode node;
    private final RaftBackend backend;
    private final ScheduledExecutorService timer;

    KeyspaceAdminService(RaftKvNode node, RaftBackend backend) {
        this.node = node;
        this.backend = backend;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-keyspace-admin-" + node.nodeId());
            thread.setDaemon(true);
            return thread;
        });
    }

    ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(KeyspaceAdminApi.SERVICE)
                .addMethod(KeyspaceAdminApi.CREATE, unary(this::create))
                .addMethod(KeyspaceAdminApi.LIST, unary(request -> readRegistry().thenApply(this::list)))
                .addMethod(KeyspaceAdminApi.DESCRIBE, unary(request -> readRegistry().thenApply(r -> describe(r, name(request)))))
                .addMethod(KeyspaceAdminApi.DROP, unary(this::drop))
                .build();
    }

    private static ServerCalls.UnaryMethod<JsonNode, JsonNode> unaryMethod(Function<JsonNode, CompletableFuture<JsonNode>> handler) {
        return (request, observer) -> {
            CompletableFuture<JsonNode> answer;
            try {
                answer = handler.apply(request);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((value, error) -> reply(observer, value, error));
        };
    }

    private static io.grpc.ServerCallHandler<JsonNode, JsonNode> unary(Function<JsonNode, CompletableFuture<JsonNode>> handler) {
        return ServerCalls.asyncUnaryCall(unaryMethod(handler));
    }

    private static void reply(StreamObserver<JsonNode> observer, JsonNode value, Throwable error) {
        if (error == null) {
            observer.onNext(value);
            observer.onCompleted();
        } else {
            Throwable cause = EtcdErrors.unwrap(error);
            observer.onError(cause instanceof StatusRuntimeException status ? status
                    : Status.INTERNAL.withDescription("parley: " + cause.getMessage()).asRuntimeException());
        }
    }

    // ---- the four methods ----

    private CompletableFuture<JsonNode> create(JsonNode request) {
        String name = name(request);
        Bytes prefix = prefix(request);
        String modeLabel = request.path("mode").asText("linearizable");
        Keyspace.Mode mode = Keyspace.Mode.parse(modeLabel);
        if (mode == null) throw invalid("unknown mode \"" + modeLabel + "\"; modes are linearizable, byzantine and eventual");
        return create(name, prefix, mode, request.path("wait").asBoolean(true), 1);
    }

    /** @param waitForLeader answer once the keyspace is active here (a script creating many keyspaces may skip that) */
    private CompletableFuture<JsonNode> create(String name, Bytes prefix, Keyspace.Mode mode, boolean waitForLeader, int attempt) {
        return readRegistry().thenCompose(registry -> {
            String problem = registry.createProblem(name, prefix, mode);
            if (problem != null) throw refusal(registry, name, problem);
            RaftStatus metadata = node.status(KeyspaceRegistry.METADATA_GROUP_ID);
            SortedSet<Long> replicas = new TreeSet<>(metadata.config().voters());
            return backend.writeGroup(KeyspaceRegistry.METADATA_GROUP_ID, registry.createCommand(name, prefix, mode, replicas), 0)
                    .thenCompose(result -> {
                        if (committed(result)) {
                            return ready(name, System.nanoTime() + (waitForLeader ? TimeUnit.MILLISECONDS.toNanos(GROUP_READY_WAIT_MS) : 0));
                        }
                        if (attempt >= ATTEMPTS_MAX) throw conflict(attempt);
                        return create(name, prefix, mode, waitForLeader, attempt + 1);
                    });
        });
    }

    private CompletableFuture<JsonNode> drop(JsonNode request) {
        return drop(name(request), 1);
    }

    private CompletableFuture<JsonNode> drop(String name, int attempt) {
        return readRegistry().thenCompose(registry -> {
            String problem = registry.dropProblem(name);
            if (problem != null) {
                throw (registry.byName(name) == null ? Status.NOT_FOUND : Status.INVALID_ARGUMENT)
                        .withDescription("parley: " + problem).asRuntimeException();
            }
            JsonNode dropped = keyspaceJson(registry.byName(name));
            return backend.writeGroup(KeyspaceRegistry.METADATA_GROUP_ID, registry.dropCommand(name), 0).thenCompose(result -> {
                if (committed(result)) return gone(name, dropped, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GROUP_READY_WAIT_MS));
                if (attempt >= ATTEMPTS_MAX) throw conflict(attempt);
                return drop(name, attempt + 1);
            });
        });
    }

    private JsonNode list(KeyspaceRegistry registry) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode keyspaces = out.putArray("keyspaces");
        keyspaces.add(keyspaceJson(registry.defaultKeyspace()));
        for (Keyspace keyspace : registry.keyspaces()) keyspaces.add(keyspaceJson(keyspace));
        return out;
    }

    private JsonNode describe(KeyspaceRegistry registry, String name) {
        Keyspace keyspace = registry.byName(name);
        if (keyspace == null) throw Status.NOT_FOUND.withDescription("parley: no keyspace named " + name).asRuntimeException();
        return keyspaceJson(keyspace);
    }

    // ---- helpers ----

    /** The registry as the metadata group's leader knows it now (a linearizable read). */
    private CompletableFuture<KeyspaceRegistry> readRegistry() {
        return backend.readGroup(KeyspaceRegistry.METADATA_GROUP_ID, KvCommand.Range.of(KeyRange.all()), 0).thenApply(result -> {
            if (!(result instanceof KvResult.RangeResult range)) {
                throw Status.INTERNAL.withDescription("parley: reading the keyspace registry answered " + result).asRuntimeException();
            }
            return KeyspaceRegistry.decode(range.revision(), range.kvs(), node.registry().defaultKeyspace());
        });
    }

    /**
     * Answers once this node knows keyspace {@code name} as ACTIVE (the default keyspace fenced, its
     * group led), or the wait runs out (the answer then says which state it is in).
     */
    private CompletableFuture<JsonNode> ready(String name, long deadlineNs) {
        return whenTrue(() -> {
            Keyspace keyspace = node.registry().byName(name);
            RaftStatus status = keyspace == null ? null : node.status(keyspace.groupId());
            return keyspace != null && keyspace.state() == Keyspace.State.ACTIVE && status != null && status.leaderId() != 0;
        }, deadlineNs).thenCompose(ignored -> {
            Keyspace keyspace = node.registry().byName(name);
            return keyspace == null ? readRegistry().thenApply(r -> describe(r, name)) : CompletableFuture.completedFuture(keyspaceJson(keyspace));
        });
    }

    /** Answers {@code dropped} once this node no longer knows keyspace {@code name} (its group destroyed), or the wait runs out. */
    private CompletableFuture<JsonNode> gone(String name, JsonNode dropped, long deadlineNs) {
        return whenTrue(() -> {
            Keyspace keyspace = node.registry().byName(name);
            return keyspace == null || keyspace.groupId() != dropped.path("group").asLong();
        }, deadlineNs).thenApply(ignored -> {
            Keyspace keyspace = node.registry().byName(name);
            boolean gone = keyspace == null || keyspace.groupId() != dropped.path("group").asLong();
            ((com.fasterxml.jackson.databind.node.ObjectNode) dropped).put("state", gone ? "dropped" : keyspace.state().label());
            return dropped;
        });
    }

    /** Completes once {@code condition} holds or the deadline passed, looking every {@link #GROUP_READY_POLL_MS} on the admin timer. */
    private CompletableFuture<Void> whenTrue(java.util.function.BooleanSupplier condition, long deadlineNs) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable[] look = new Runnable[1];
        look[0] = () -> {
            if (condition.getAsBoolean() || System.nanoTime() > deadlineNs) done.complete(null);
            else timer.schedule(look[0], GROUP_READY_POLL_MS, TimeUnit.MILLISECONDS);
        };
        look[0].run();
        return done;
    }

    private JsonNode keyspaceJson(Keyspace keyspace) {
        ObjectNode out = JSON.createObjectNode();
        out.put("name", keyspace.name());
        out.put("prefix", keyspace.isDefault() ? "" : keyspace.prefix().toUtf8());
        out.put("prefixHex", HexFormat.of().formatHex(keyspace.prefix().bytes()));
        out.put("mode", keyspace.mode().label());
        out.put("state", keyspace.state().label());
        out.put("group", keyspace.groupId());
        ArrayNode replicas = out.putArray("replicas");
        keyspace.replicas().forEach(replicas::add);
        RaftStatus status = node.status(keyspace.groupId());
        out.put("leader", status == null ? 0 : status.leaderId());
        out.put("leaderHere", status != null && status.role() == RaftRole.LEADER);
        out.put("revision", node.revision(keyspace.groupId()));
        return out;
    }

    private static boolean committed(KvResult result) {
        if (result instanceof KvResult.TxnResult txn) return txn.succeeded();
        throw Status.INTERNAL.withDescription("parley: a registry change answered " + result).asRuntimeException();
    }

    private static String name(JsonNode request) {
        JsonNode name = request.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) throw invalid("the request needs a keyspace \"name\"");
        return name.asText();
    }

    private static Bytes prefix(JsonNode request) {
        if (request.hasNonNull("prefixHex")) {
            try {
                return new Bytes(HexFormat.of().parseHex(request.get("prefixHex").asText()));
            } catch (IllegalArgumentException e) {
                throw invalid("prefixHex is not hex: " + e.getMessage());
            }
        }
        if (!request.path("prefix").isTextual()) throw invalid("the request needs a key \"prefix\" (or \"prefixHex\")");
        return Bytes.utf8(request.get("prefix").asText());
    }

    private static StatusRuntimeException refusal(KeyspaceRegistry registry, String name, String problem) {
        Status status = registry.byName(name) != null ? Status.ALREADY_EXISTS
                : problem.contains("overlaps") || problem.contains("most it may") || problem.contains("not available") ? Status.FAILED_PRECONDITION
                : Status.INVALID_ARGUMENT;
        return status.withDescription("parley: " + problem).asRuntimeException();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription("parley: " + message).asRuntimeException();
    }

    private static StatusRuntimeException conflict(int attempts) {
        return Status.ABORTED.withDescription("parley: the keyspace registry changed under " + attempts
                + " attempts in a row; try again").asRuntimeException();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
