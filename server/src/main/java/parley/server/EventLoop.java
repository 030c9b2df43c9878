package parley.server;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import parley.transport.NettyIo;

/**
 * The one thread a node's protocol cores run on. Everything that touches a core (messages from
 * peers, client requests, timers, sync completions) is handed to this loop, so the cores stay
 * single-threaded exactly as in the simulator. Work submitted after {@link #close()} is dropped.
 *
 * <p>The thread is a Netty event loop (epoll on Linux), and both the peer transport and the etcd API's
 * gRPC server run their sockets on it ({@link #ioGroup()}): a client request or a Raft message reaches
 * the core, and the core's replies reach the socket, without a hand-off between threads. Each hand-off
 * cost a wake-up system call and tens of microseconds on a busy machine, several times per write.
 */
public final class EventLoop implements Executor, AutoCloseable {
    private final EventLoopGroup group;
    private final io.grpc.netty.shaded.io.netty.channel.EventLoop executor;

    public EventLoop(String name) {
        group = NettyIo.newGroup(1, runnable -> {
            Thread thread = new FastThreadLocalThread(runnable, name); // exactly the given name: logs and profiles show it
            thread.setDaemon(true);
            return thread;
        });
        executor = group.next();
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            // Closing: the node is going away and so is the work.
        }
    }

    /** Runs {@code task} after {@code delayNs}; returns null when the loop is closed. */
    public ScheduledFuture<?> schedule(Runnable task, long delayNs) {
        try {
            return executor.schedule(task, delayNs, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /** Whether the caller is this loop's thread (cores may only be touched from it). */
    public boolean inLoop() {
        return executor.inEventLoop();
    }

    /** This loop as a Netty group of one thread, for the peer transport's and the etcd API's sockets. */
    public EventLoopGroup ioGroup() {
        return group;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
