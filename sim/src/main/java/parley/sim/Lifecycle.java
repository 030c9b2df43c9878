package parley.sim;

import parley.core.Check;
import parley.core.env.RandomSource;

/**
 * Incarnations of processes: start (fresh process on the surviving disk), crash (process, timers and
 * held-back events discarded; unsynced writes lost or torn), failure (a start refused over a corrupt
 * disk), pause and resume, and the completion of disk syncs, which belongs to the incarnation that
 * asked for it. Every transition bumps the node's incarnation, so events of an older one are ignored.
 */
final class Lifecycle<M> {
    private final Simulation<M> world;
    private final SimNetwork network;
    private final RandomSource diskRandom;

    private long starts;
    private long crashes;
    private long failedStarts;
    private long pauses;
    private long syncsCompleted;

    Lifecycle(Simulation<M> world, SimNetwork network, RandomSource diskRandom) {
        this.world = world;
        this.network = network;
        this.diskRandom = diskRandom;
    }

    long starts() { return starts; }

    long crashes() { return crashes; }

    long failedStarts() { return failedStarts; }

    long pauses() { return pauses; }

    long syncsCompleted() { return syncsCompleted; }

    void start(Node<M> node) {
        SimProcess<M> process = node.factory.create(node.id);
        Check.that(process != null, "%s: the process factory returned null", node.name);
        node.incarnation++;
        node.startCount++;
        node.env = new NodeEnv<>(world, node, node.incarnation);
        node.process = process;
        node.state = NodeState.UP;
        starts++;
        if (world.tracing) {
            world.traceNode(node, "START #" + node.startCount);
        }
        DiskCorruptionException corruption = null;
        world.inProcess = true;
        try {
            process.onStart(node.env, node.disk);
        } catch (DiskCorruptionException refused) {
            corruption = refused;
        } finally {
            world.inProcess = false;
        }
        if (corruption != null) {
            fail(node, corruption);
        }
    }

    private void fail(Node<M> node, DiskCorruptionException corruption) {
        discardIncarnation(node, NodeState.FAILED);
        node.disk.crash(CrashMode.LOSE_UNSYNCED, diskRandom);
        failedStarts++;
        if (world.tracing) {
            world.traceNode(node, "FAILED to start: " + corruption.getMessage());
        }
    }

    boolean crash(Node<M> node, CrashMode mode) {
        if (!node.running()) {
            return false;
        }
        discardIncarnation(node, NodeState.DOWN);
        SimDisk.CrashLoss loss = node.disk.crash(mode, diskRandom);
        crashes++;
        if (world.tracing) {
            world.traceNode(node, "CRASH " + mode + ": unsynced writes lost=" + loss.opsLost() + " kept="
                    + loss.opsKept() + (loss.torn() ? " (last kept torn)" : ""));
        }
        return true;
    }

    /** Discards process, env, timers and everything held back while paused. */
    private void discardIncarnation(Node<M> node, NodeState newState) {
        node.timers.clear(world.queue);
        for (Event held : node.pauseBuffer) {
            if (held.kind == Event.DELIVER) {
                network.countDroppedAtDelivery(SimNetwork.DROP_DOWN);
            }
            held.buffered = false;
        }
        node.pauseBuffer.clear();
        node.pausedMessages = 0;
        node.process = null;
        node.env = null;
        node.state = newState;
        node.incarnation++;
    }

    boolean restart(Node<M> node) {
        if (node.state != NodeState.DOWN) {
            return false;
        }
        start(node);
        return true;
    }

    boolean pause(Node<M> node) {
        if (node.state != NodeState.UP) {
            return false;
        }
        node.state = NodeState.PAUSED;
        pauses++;
        if (world.tracing) {
            world.traceNode(node, "PAUSE");
        }
        return true;
    }

    /** Resumes a paused node: what it missed is replayed now, in the order it arrived. */
    boolean resume(Node<M> node) {
        if (node.state != NodeState.PAUSED) {
            return false;
        }
        node.state = NodeState.UP;
        if (world.tracing) {
            world.traceNode(node, "RESUME with " + node.pauseBuffer.size() + " held-back events");
        }
        for (Event held : node.pauseBuffer) {
            held.buffered = false;
            held.replayed = held.kind != Event.TIMER;
            world.queue.schedule(held, world.nowNs());
        }
        node.pauseBuffer.clear();
        node.pausedMessages = 0;
        return true;
    }

    void scheduleSyncCompletion(Node<M> node, long syncId, long lastOpSeq, long atNs) {
        Event event = new Event(Event.SYNC);
        event.node = node;
        event.incarnation = node.incarnation;
        event.id = syncId;
        event.diskOpSeq = lastOpSeq;
        world.queue.schedule(event, atNs);
    }

    /**
     * An fsync completed: its writes become durable now even if the node is paused (the disk does not
     * wait for the process); the callback is held back until resume.
     */
    @SuppressWarnings("unchecked")
    void completeSync(Event event) {
        Node<M> node = (Node<M>) event.node;
        if (event.incarnation != node.incarnation) {
            return; // the node crashed before the fsync completed: the crash decided the writes' fate
        }
        if (!event.replayed) {
            node.disk.makeDurable(event.diskOpSeq);
            node.disk.countSyncCompleted();
        }
        if (node.state == NodeState.PAUSED) {
            event.buffered = true;
            node.pauseBuffer.add(event);
            return;
        }
        if (node.state != NodeState.UP) {
            return;
        }
        syncsCompleted++;
        if (world.tracing) {
            world.traceNode(node, "synced " + event.id);
        }
        world.inProcess = true;
        try {
            node.process.onSyncComplete(event.id);
        } finally {
            world.inProcess = false;
        }
    }
}
