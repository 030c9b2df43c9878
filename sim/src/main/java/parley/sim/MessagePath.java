package parley.sim;

import java.util.function.Function;

import parley.core.env.RandomSource;

/**
 * The way of a message through the world: the sender's {@link SendCheck}, its {@link Adversary}, the
 * {@link SimNetwork}'s verdict and latency, then at arrival a second partition check and the
 * receiver's state (up: delivered; paused: held back; down: dropped).
 */
final class MessagePath<M> {
    private final Simulation<M> world;
    private final SimNetwork network;
    private final RandomSource adversaryRandom;
    private final int pauseBufferMaxMessages;
    private Function<? super M, String> renderer = String::valueOf;
    private SendCheck<M> sendCheck;

    MessagePath(Simulation<M> world, SimNetwork network, RandomSource adversaryRandom, int pauseBufferMaxMessages) {
        this.world = world;
        this.network = network;
        this.adversaryRandom = adversaryRandom;
        this.pauseBufferMaxMessages = pauseBufferMaxMessages;
    }

    void setRenderer(Function<? super M, String> messageRenderer) {
        this.renderer = messageRenderer;
    }

    void setSendCheck(SendCheck<M> check) {
        this.sendCheck = check;
    }

    /** A process sends: check, let its adversary (if any) decide, hand the result to the network. */
    void send(Node<M> from, long to, M message) {
        if (sendCheck != null) {
            sendCheck.check(from.id, to, message, from.disk);
        }
        if (from.adversary == null) {
            transmit(from, from.identity, to, message);
            return;
        }
        AdversaryOutbox outbox = new AdversaryOutbox(from);
        from.adversary.onSend(from.id, to, message, outbox);
        if (outbox.sends == 0) {
            network.countAdversaryDrop();
            if (world.tracing) {
                traceMessage(from.name, "->", world.nameOf(to), message, " SUPPRESSED by adversary");
            }
        }
    }

    private void transmit(Node<M> from, long claimedFromId, long toId, M message) {
        Node<M> to = world.nodeOrNull(toId);
        if (to == null) {
            network.countUnknown();
            if (world.tracing) {
                traceMessage(from.name, "->", "n" + toId, message, " DROP unknown node");
            }
            return;
        }
        transmitTo(from, claimedFromId, to, message);
        // Whatever goes to an identity goes to its twins too, each copy through its own link.
        for (Node<M> twin : world.twinsOf(toId)) transmitTo(from, claimedFromId, twin, message);
    }

    private void transmitTo(Node<M> from, long claimedFromId, Node<M> to, M message) {
        int copies = network.admit(from, to);
        if (copies < 0) {
            if (world.tracing) {
                traceMessage(from.name, "->", to.name, message,
                        copies == SimNetwork.DROP_PARTITION ? " DROP partition" : " DROP loss");
            }
            return;
        }
        scheduleDelivery(from, claimedFromId, to, message, network.copyLatencyNs[0]);
        if (copies == 2) {
            scheduleDelivery(from, claimedFromId, to, message, network.copyLatencyNs[1]);
            if (world.tracing) {
                traceMessage(from.name, "->", to.name, message, " DUP");
            }
        }
    }

    private void scheduleDelivery(Node<M> from, long claimedFromId, Node<M> to, M message, long latencyNs) {
        Event event = new Event(Event.DELIVER);
        event.node = to;
        event.sender = from;
        event.claimedFromId = claimedFromId;
        event.payload = message;
        world.queue.schedule(event, world.nowNs() + latencyNs);
    }

    /** A message arrives. Held-back messages replayed on resume are not re-checked against partitions. */
    @SuppressWarnings("unchecked")
    void deliver(Event event) {
        Node<M> to = (Node<M>) event.node;
        M message = (M) event.payload;
        if (!event.replayed && network.blocked(event.sender.index, to.index)) {
            network.countDroppedAtDelivery(SimNetwork.DROP_PARTITION);
            traceDelivery(event, to, message, " DROP partition");
            return;
        }
        if (event.replayed && event.incarnation != to.incarnation) {
            network.countDroppedAtDelivery(SimNetwork.DROP_DOWN);
            traceDelivery(event, to, message, " DROP down");
            return;
        }
        switch (to.state) {
            case UP -> {
                network.countDelivered();
                traceDelivery(event, to, message, "");
                world.inProcess = true;
                try {
                    to.process.onMessage(event.claimedFromId, message);
                } finally {
                    world.inProcess = false;
                }
            }
            case PAUSED -> holdBack(to, event, message);
            case DOWN, FAILED -> {
                network.countDroppedAtDelivery(SimNetwork.DROP_DOWN);
                traceDelivery(event, to, message, " DROP down");
            }
        }
    }

    private void holdBack(Node<M> to, Event event, M message) {
        if (to.pausedMessages >= pauseBufferMaxMessages) {
            network.countPauseOverflow();
            traceDelivery(event, to, message, " DROP pause buffer full");
            return;
        }
        event.buffered = true;
        event.incarnation = to.incarnation;
        to.pauseBuffer.add(event);
        to.pausedMessages++;
    }

    private void traceDelivery(Event event, Node<M> to, M message, String suffix) {
        if (world.tracing) {
            String from = world.nameOf(event.claimedFromId);
            if (event.claimedFromId != event.sender.id) {
                from = from + "(spoofed by " + event.sender.name + ")";
            }
            traceMessage(to.name, "<-", from, message, suffix);
        }
    }

    private void traceMessage(String self, String arrow, String other, M message, String suffix) {
        world.traceRaw(TraceFormat.stamp(world.nowNs()).append(self).append(' ').append(arrow).append(' ')
                .append(other).append(' ').append(renderer.apply(message)).append(suffix).toString());
    }

    /** What an {@link Adversary} sends through: the network, with counting. */
    private final class AdversaryOutbox implements Adversary.Outbox<M> {
        private final Node<M> from;
        int sends;

        AdversaryOutbox(Node<M> from) {
            this.from = from;
        }

        @Override
        public void send(long to, M message) {
            sends++;
            transmit(from, from.identity, to, message);
        }

        @Override
        public void sendAs(long claimedFrom, long to, M message) {
            sends++;
            transmit(from, claimedFrom, to, message);
        }

        @Override
        public RandomSource random() {
            return adversaryRandom;
        }

        @Override
        public long nowNs() {
            return world.nowNs();
        }
    }
}
