package parley.sim;

import java.util.ArrayList;

import parley.core.env.SplittableRandomSource;

/**
 * The world's record of one registered node: what survives crashes (id, disk, clock, random stream,
 * factory) and what belongs to the current incarnation (process, env, timers, pause buffer).
 */
final class Node<M> {
    final long id;
    /** Whom the node is to the others: its id, or, for a twin, the id of the node it shares its identity with. */
    final long identity;
    final int index;
    final NodeKind kind;
    final String name;
    final ProcessFactory<M> factory;
    final SplittableRandomSource random;
    final SimClock clock;
    final double baselineDriftPpm;
    final SimDisk disk;
    final TimerTable timers;
    /** Events held back while paused, in arrival order. */
    final ArrayList<Event> pauseBuffer = new ArrayList<>();
    int pausedMessages;

    NodeState state = NodeState.DOWN;
    /** Incremented at every start, crash and failure; events of an older incarnation are ignored. */
    long incarnation;
    /** How many times a process was started on this node. */
    int startCount;
    SimProcess<M> process;
    NodeEnv<M> env;
    Adversary<M> adversary;

    Node(Simulation<M> world, long id, long identity, int index, NodeKind kind, ProcessFactory<M> factory,
         SplittableRandomSource random, SimClock clock, SplittableRandomSource diskRandom, DiskConfig diskConfig) {
        this.id = id;
        this.identity = identity;
        this.index = index;
        this.kind = kind;
        this.name = (kind == NodeKind.CLIENT ? "c" : "n") + identity + (identity == id ? "" : "'" + id);
        this.factory = factory;
        this.random = random;
        this.clock = clock;
        this.baselineDriftPpm = clock.driftPpm();
        this.disk = new SimDisk(new SimDisk.Host() {
            @Override
            public long nowNs() {
                return world.nowNs();
            }

            @Override
            public void scheduleSyncCompletion(SimDisk disk, long syncId, long lastOpSeq, long atNs) {
                world.scheduleSyncCompletion(Node.this, syncId, lastOpSeq, atNs);
            }

            @Override
            public void runSoon(Runnable action) {
                world.schedule(0, action);
            }

            @Override
            public parley.core.env.Buggify buggify() {
                return world.buggify();
            }
        }, diskRandom, diskConfig.fsyncLatency());
        this.timers = new TimerTable(this);
    }

    boolean running() {
        return state == NodeState.UP || state == NodeState.PAUSED;
    }
}
