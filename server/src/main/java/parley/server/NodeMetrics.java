package parley.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import parley.raft.RaftRole;
import parley.raft.RaftStatus;

/**
 * A node's Prometheus metrics. Raft's state is read from the status the node publishes after every
 * event (never from the core itself, which belongs to its loop); counters and histograms are fed by
 * the runtime parts that see the events (proposals, leader changes, fsyncs, client requests).
 */
public final class NodeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter proposals;
    private final Counter leaderChanges;
    private final Histogram fsyncSeconds;
    private final Histogram requestSeconds;

    public NodeMetrics(Supplier<RaftStatus> status) {
        GaugeWithCallback.builder().name("parley_raft_term").help("The node's current Raft term")
                .callback(cb -> cb.call(status.get().term())).register(registry);
        GaugeWithCallback.builder().name("parley_raft_commit_index").help("Highest log index known committed")
                .callback(cb -> cb.call(status.get().commitIndex())).register(registry);
        GaugeWithCallback.builder().name("parley_raft_applied_index").help("Highest log index applied to the store")
                .callback(cb -> cb.call(status.get().appliedIndex())).register(registry);
        GaugeWithCallback.builder().name("parley_raft_is_leader").help("1 when this node believes it is the leader")
                .callback(cb -> cb.call(status.get().role() == RaftRole.LEADER ? 1 : 0)).register(registry);
        proposals = Counter.builder().name("parley_raft_proposals").help("Writes proposed by this node").register(registry);
        leaderChanges = Counter.builder().name("parley_raft_leader_changes").help("Times the leader this node knows changed")
                .register(registry);
        fsyncSeconds = Histogram.builder().name("parley_wal_fsync_seconds").help("Write-ahead log fsync latency")
                .classicOnly().classicExponentialUpperBounds(0.0001, 2, 16).register(registry);
        requestSeconds = Histogram.builder().name("parley_request_seconds").help("Client request latency by RPC")
                .labelNames("rpc").classicOnly().classicExponentialUpperBounds(0.0001, 2, 18).register(registry);
    }

    /** Exports each peer's phi, state and incarnation as this node sees them, read from {@code view} at scrape time. */
    /**
     * Gauges of the node's Raft groups: how many it hosts, how many of them are quiesced (idle, no
     * heartbeats), and how many it leads.
     */
    public void groups(Supplier<java.util.Map<Long, RaftKvNode.GroupView>> groups) {
        GaugeWithCallback.builder().name("parley_groups").help("Raft groups this node hosts (default, metadata, one per keyspace)")
                .callback(cb -> cb.call(groups.get().size())).register(registry);
        GaugeWithCallback.builder().name("parley_groups_quiesced").help("Hosted Raft groups that are quiesced (idle: no heartbeats, no timers)")
                .callback(cb -> cb.call(groups.get().values().stream().filter(RaftKvNode.GroupView::quiesced).count())).register(registry);
        GaugeWithCallback.builder().name("parley_groups_led").help("Hosted Raft groups this node leads")
                .callback(cb -> cb.call(groups.get().values().stream().filter(g -> g.status().role() == RaftRole.LEADER).count())).register(registry);
    }

    /** Gauges of the node's watches, summed over its groups; blocked ones wait for a client that stopped reading. */
    public void watches(Supplier<java.util.Map<Long, RaftKvNode.GroupView>> groups) {
        GaugeWithCallback.builder().name("parley_watches").help("Watches this node serves")
                .callback(cb -> cb.call(groups.get().values().stream().mapToLong(g -> g.watches().watches()).sum())).register(registry);
        GaugeWithCallback.builder().name("parley_watches_blocked")
                .help("Watches held back because their client stopped reading (they resume, from history if need be, when it reads)")
                .callback(cb -> cb.call(groups.get().values().stream().mapToLong(g -> g.watches().blocked()).sum())).register(registry);
        GaugeWithCallback.builder().name("parley_watch_blocked_buffered_events")
                .help("Events buffered for blocked watches (bounded; past the bound they are replayed from history instead)")
                .callback(cb -> cb.call(groups.get().values().stream().mapToLong(g -> g.watches().blockedBufferedEvents()).sum())).register(registry);
    }

    /** The client port's in-flight bound: requests being worked on, and those refused with "too many requests". */
    public void inflight(java.util.function.IntSupplier requests, java.util.function.LongSupplier refused) {
        GaugeWithCallback.builder().name("parley_grpc_inflight_requests").help("Unary etcd API requests being worked on")
                .callback(cb -> cb.call(requests.getAsInt())).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("parley_grpc_refused_too_many_requests")
                .help("Requests refused with 'etcdserver: too many requests' because the in-flight bound was reached")
                .callback(cb -> cb.call(refused.getAsLong())).register(registry);
    }

    /** What the node's state engines hold on disk and in native memory. */
    public void engines(parley.engine.rocks.RocksEngines engines) {
        GaugeWithCallback.builder().name("parley_engine_size_bytes").help("Bytes the state engines' files and memtables take (etcd's db size)")
                .callback(cb -> cb.call(engines.sizeBytes())).register(registry);
        GaugeWithCallback.builder().name("parley_engine_live_size_bytes").help("Bytes the state engines' live data needs (estimated; defragment gives the rest back)")
                .callback(cb -> cb.call(engines.liveSizeBytes())).register(registry);
        GaugeWithCallback.builder().name("parley_engine_block_cache_bytes").help("Native bytes in the state engines' shared block cache")
                .callback(cb -> cb.call(engines.blockCacheUsageBytes())).register(registry);
        GaugeWithCallback.builder().name("parley_engine_memtable_bytes").help("Native bytes in the state engines' memtables")
                .callback(cb -> cb.call(engines.memtableUsageBytes())).register(registry);
    }

    /** 1 while the memory guard refuses new writes (the heap after collection is nearly full). */
    public void memoryShedding(java.util.function.BooleanSupplier shedding) {
        GaugeWithCallback.builder().name("parley_memory_shedding")
                .help("1 while new writes are refused because the heap in use after garbage collection is nearly full")
                .callback(cb -> cb.call(shedding.getAsBoolean() ? 1 : 0)).register(registry);
    }

    public void membership(Supplier<MembershipRuntime.View> view) {
        GaugeWithCallback.builder().name("parley_membership_phi").help("Suspicion level (phi) of each peer by this node's detector")
                .labelNames("peer").callback(cb -> eachPeer(view, m -> cb.call(m.phi(), Long.toString(m.id())))).register(registry);
        GaugeWithCallback.builder().name("parley_membership_state")
                .help("Each member's state in this node's view: 0 alive, 1 suspect, 2 dead, 3 left")
                .labelNames("peer").callback(cb -> eachPeer(view, m -> cb.call(m.state().ordinal(), Long.toString(m.id())))).register(registry);
        GaugeWithCallback.builder().name("parley_membership_incarnation").help("Each member's incarnation in this node's view")
                .labelNames("peer").callback(cb -> eachPeer(view, m -> cb.call(m.incarnation(), Long.toString(m.id())))).register(registry);
        GaugeWithCallback.builder().name("parley_membership_local_health")
                .help("Lifeguard's local health score of this node (0 healthy; probes slow down as it grows)")
                .callback(cb -> { var v = view.get(); if (v != null) cb.call(v.localHealthScore()); }).register(registry);
    }

    private static void eachPeer(Supplier<MembershipRuntime.View> view, java.util.function.Consumer<MembershipRuntime.MemberView> action) {
        MembershipRuntime.View v = view.get();
        if (v == null) return;
        for (MembershipRuntime.MemberView m : v.members()) if (m.id() != v.selfId()) action.accept(m);
    }

    public PrometheusRegistry registry() { return registry; }

    public void proposed() { proposals.inc(); }

    public void leaderChanged() { leaderChanges.inc(); }

    public void fsync(long latencyNs) { fsyncSeconds.observe(latencyNs / 1e9); }

    public void request(String rpc, long latencyNs) { requestSeconds.labelValues(rpc).observe(latencyNs / 1e9); }
}
