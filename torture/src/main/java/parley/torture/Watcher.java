package parley.torture;

import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One watcher: a watch on every key of the workload from the first revision on, through a node it
 * picks at random. When the stream breaks (the node was killed, a stream was canceled) it watches again
 * through another node from the revision after the last one it saw, as an etcd client resumes. It
 * keeps every event it was given, in the order given, for {@link WatchCheck}.
 */
final class Watcher implements Runnable {
    /** One event as delivered: the revision it belongs to, its key and the value put (null: deleted). */
    record Seen(long revision, String key, Long value) {}

    private final int id;
    private final List<ManagedChannel> channels;
    private final SplittableRandom random;
    private final BooleanSupplier stop;
    private final List<Seen> seen = new ArrayList<>();
    private volatile long lastRevision;
    private volatile int streams;
    /** The stream whose events count; events still arriving on an abandoned one would be duplicates. */
    private long epoch;

    Watcher(int id, List<ManagedChannel> channels, long seed, long startRevision, BooleanSupplier stop) {
        this.id = id;
        this.channels = channels;
        this.random = new SplittableRandom(seed);
        this.stop = stop;
        this.lastRevision = startRevision - 1;
    }

    int id() { return id; }

    long lastRevision() { return lastRevision; }

    int streams() { return streams; }

    synchronized List<Seen> seen() { return List.copyOf(seen); }

    @Override
    public void run() {
        while (!stop.getAsBoolean()) {
            int node = random.nextInt(channels.size());
            streams++;
            watchUntilBroken(channels.get(node));
            if (!stop.getAsBoolean()) sleepMs(100);
        }
    }

    private void watchUntilBroken(ManagedChannel channel) {
        CountDownLatch ended = new CountDownLatch(1);
        long myEpoch;
        long startRevision;
        synchronized (this) {
            myEpoch = ++epoch;
            startRevision = lastRevision + 1;
        }
        StreamObserver<WatchResponse> responses = new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
                if (r.getEventsCount() > 0) deliver(r, myEpoch);
                if (r.getCanceled()) ended.countDown();
            }

            @Override public void onError(Throwable t) { ended.countDown(); }

            @Override public void onCompleted() { ended.countDown(); }
        };
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(responses);
        try {
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(ClientWorker.bytes(Workload.PREFIX)).setRangeEnd(com.google.protobuf.ByteString.copyFrom(
                            parley.kv.KeyRange.prefixEnd(parley.kv.Bytes.utf8(Workload.PREFIX)).bytes()))
                    .setStartRevision(startRevision)).build());
            // A paused node holds the stream open without a word; give it up now and then so a watcher
            // does not sit out a whole run behind one node.
            while (!stop.getAsBoolean() && !ended.await(200, TimeUnit.MILLISECONDS)) {
                if (random.nextInt(100) == 0) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the stream failed to start; try again elsewhere
        } finally {
            synchronized (this) {
                epoch++; // whatever this stream still says is ignored from here on
            }
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    private synchronized void deliver(WatchResponse r, long fromEpoch) {
        if (fromEpoch != epoch) return;
        for (io.etcd.jetcd.api.Event e : r.getEventsList()) {
            long revision = e.getKv().getModRevision();
            Long value = e.getType() == io.etcd.jetcd.api.Event.EventType.PUT ? ClientWorker.parse(e.getKv().getValue()) : null;
            seen.add(new Seen(revision, e.getKv().getKey().toStringUtf8(), value));
            lastRevision = Math.max(lastRevision, revision);
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
