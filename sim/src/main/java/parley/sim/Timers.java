package parley.sim;

import parley.core.Check;

/**
 * Timers by each node's own clock: a timer armed for {@code delayNs} fires when the node's local clock
 * has advanced by that much, which on a drifting clock is a different global time. A drift change or
 * a jump moves every pending timer of the node. A timer due while its node is paused is held back.
 */
final class Timers<M> {
    private final Simulation<M> world;
    private long fired;

    Timers(Simulation<M> world) {
        this.world = world;
    }

    long fired() {
        return fired;
    }

    void arm(Node<M> node, int timerId, long delayNs) {
        Check.that(delayNs >= 0 && delayNs < Long.MAX_VALUE / 4, "%s: timer %d delay out of range: %d ns",
                node.name, timerId, delayNs);
        long nowNs = world.nowNs();
        TimerTable.Slot slot = node.timers.slot(timerId);
        slot.dueLocalNs = node.clock.localNs(nowNs) + delayNs;
        slot.armed = true;
        Event event = slot.event;
        event.incarnation = node.incarnation;
        if (event.buffered) {
            node.pauseBuffer.remove(event);
            event.buffered = false;
        }
        world.queue.schedule(event, node.clock.globalNsWhenLocalReaches(slot.dueLocalNs, nowNs));
    }

    void cancel(Node<M> node, int timerId) {
        TimerTable.Slot slot = node.timers.find(timerId);
        if (slot == null || !slot.armed) {
            return;
        }
        slot.armed = false;
        world.queue.remove(slot.event);
        if (slot.event.buffered) {
            node.pauseBuffer.remove(slot.event);
            slot.event.buffered = false;
        }
    }

    @SuppressWarnings("unchecked")
    void fire(Event event) {
        Node<M> node = (Node<M>) event.node;
        int timerId = (int) event.id;
        TimerTable.Slot slot = node.timers.find(timerId);
        Check.that(slot != null && slot.event == event && slot.armed && node.running()
                        && event.incarnation == node.incarnation,
                "%s: a queued timer event belongs to an armed timer of the running incarnation", node.name);
        long nowNs = world.nowNs();
        if (node.clock.localNs(nowNs) < slot.dueLocalNs) {
            // Not due on the node's clock (its rate changed): wait for the local clock to get there.
            world.queue.schedule(event, node.clock.globalNsWhenLocalReaches(slot.dueLocalNs, nowNs));
            return;
        }
        if (node.state == NodeState.PAUSED) {
            event.buffered = true;
            node.pauseBuffer.add(event);
            return;
        }
        slot.armed = false;
        fired++;
        if (world.tracing) {
            world.traceNode(node, "timer " + timerId);
        }
        world.inProcess = true;
        try {
            node.process.onTimer(timerId);
        } finally {
            world.inProcess = false;
        }
    }

    /** The node's clock changed: move each pending timer to its new due time. */
    void reschedule(Node<M> node) {
        long nowNs = world.nowNs();
        node.timers.forEachArmed(slot -> {
            if (slot.event.queued()) {
                world.queue.schedule(slot.event, node.clock.globalNsWhenLocalReaches(slot.dueLocalNs, nowNs));
            }
        });
    }
}
