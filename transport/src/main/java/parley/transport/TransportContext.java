package parley.transport;

import java.util.concurrent.Executor;

/**
 * What the connection handlers of one transport share. Immutable; the mutable parts (counters, the
 * inbound registry) are thread-safe.
 */
record TransportContext<M>(
        TransportConfig config,
        MessageCodec<M> codec,
        TransportCounters counters,
        IdentityCheck identity,
        InboundConnections inbound,
        Executor deliveryExecutor,
        MessageReceiver<M> receiver,
        ProblemLog problems,
        java.util.function.Consumer<String> fatal) {

    long nodeId() {
        return config.nodeId();
    }
}
