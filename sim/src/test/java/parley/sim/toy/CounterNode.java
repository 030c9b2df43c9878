package parley.sim.toy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import parley.core.Check;
import parley.core.env.Env;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * A toy protocol for testing the world: every tick a node increments a counter, journals it, syncs,
 * and only once the sync completes announces the value to its peers, which acknowledge. Every
 * {@code COMPACT_EVERY} values it compacts its journal to a single record.
 */
public final class CounterNode implements SimProcess<ToyMessage> {
    public static final int TICK_TIMER = 1;
    static final int COMPACT_EVERY = 16;

    private final List<Long> peers;
    private final long tickNsMean;
    private Env<ToyMessage> env;
    private SimDisk disk;
    private long counter;
    private long durableCounter;
    private long recoveredCounter;
    private final TreeMap<Long, Long> seen = new TreeMap<>();
    private final TreeMap<Long, Long> acked = new TreeMap<>();

    public CounterNode(List<Long> peers, long tickNsMean) {
        this.peers = List.copyOf(peers);
        this.tickNsMean = tickNsMean;
    }

    @Override
    public void onStart(Env<ToyMessage> env, SimDisk disk) {
        this.env = env;
        this.disk = disk;
        List<byte[]> records = disk.recover();
        for (byte[] record : records) {
            counter = Math.max(counter, decode(record));
        }
        recoveredCounter = counter;
        durableCounter = counter;
        env.setTimer(TICK_TIMER, env.random().nextLong(1, tickNsMean + 1));
    }

    @Override
    public void onTimer(int timerId) {
        Check.that(timerId == TICK_TIMER, "toy: only the tick timer exists");
        counter++;
        if (counter % COMPACT_EVERY == 0) {
            disk.replace(List.of(encode(counter)));
        } else {
            disk.append(encode(counter));
        }
        disk.sync(counter);
        env.setTimer(TICK_TIMER, tickNsMean / 2 + env.random().nextLong(0, tickNsMean + 1));
    }

    @Override
    public void onSyncComplete(long syncId) {
        Check.that(syncId <= counter, "toy: a sync id is a counter value already written");
        durableCounter = Math.max(durableCounter, syncId);
        for (long peer : peers) {
            if (peer != env.nodeId()) {
                env.send(peer, new ToyMessage.Counter(syncId));
            }
        }
    }

    @Override
    public void onMessage(long from, ToyMessage message) {
        switch (message) {
            case ToyMessage.Counter counterMessage -> {
                seen.merge(from, counterMessage.value(), Math::max);
                env.send(from, new ToyMessage.Ack(counterMessage.value()));
            }
            case ToyMessage.Ack ack -> acked.merge(from, ack.value(), Math::max);
        }
    }

    public long counter() { return counter; }

    public long durableCounter() { return durableCounter; }

    public long recoveredCounter() { return recoveredCounter; }

    /** The highest counter seen from {@code peer}, or 0. */
    public long seenFrom(long peer) { return seen.getOrDefault(peer, 0L); }

    public long ackedBy(long peer) { return acked.getOrDefault(peer, 0L); }

    public static byte[] encode(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    public static long decode(byte[] record) {
        return ByteBuffer.wrap(record).getLong();
    }

    /** The counter values journaled durably on {@code disk}, read without verification. */
    public static List<Long> durableValues(SimDisk disk) {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < disk.durableRecordCount(); i++) {
            byte[] record = disk.durableRecord(i);
            if (record.length == Long.BYTES) {
                values.add(decode(record));
            }
        }
        return values;
    }
}
