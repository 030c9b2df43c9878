package parley.replica;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import parley.kv.KvCodec;
import parley.kv.KvError;
import parley.kv.KvResult;
import parley.kv.KvStateMachine;
import parley.raft.StateMachine;

/**
 * Raft applies committed commands to the MVCC store through this adapter ({@code kv} does not depend
 * on {@code raft}, so the two meet here), which also keeps the group's <em>route fence</em>.
 *
 * <p>A keyspace takes keys away from the default keyspace (or, when dropped, stops holding its own).
 * A node routes each request by the registry it has applied, which may lag. So a routed command
 * carries the registry revision it was routed by, and a group fenced at revision F refuses, when the
 * entry applies, every command routed by a registry older than F ({@link KvError#REGISTRY_CHANGED}):
 * nothing a lagging node misroutes can land after the fence. Entries:
 * <ul>
 *   <li>{@code [0xF0][routed-at i64][command]}: a command routed at a registry revision;</li>
 *   <li>{@code [0xF1][revision i64]}: raise the fence to that revision;</li>
 *   <li>anything else: a command as {@link KvCodec} encodes it, never refused (the replica's own).</li>
 * </ul>
 * The fence is replicated state: it travels in snapshots (behind a header only when it is set, so a
 * group never fenced keeps the store's own snapshot bytes).
 */
public final class KvRaftStateMachine implements StateMachine {
    private static final byte ROUTED_TAG = (byte) 0xF0;
    private static final byte FENCE_TAG = (byte) 0xF1;
    private static final byte[] FENCED_SNAPSHOT_MAGIC = {'P', 'F', 'N', 'C'};

    private final KvStateMachine kv;
    private long fenceRevision;

    public KvRaftStateMachine(KvStateMachine kv) {
        this.kv = kv;
    }

    public KvStateMachine kv() {
        return kv;
    }

    /** The registry revision this group is fenced at: commands routed by an older registry are refused (0: never fenced). */
    public long fenceRevision() {
        return fenceRevision;
    }

    /** {@code command} as routed by the registry at {@code routedAt}. */
    static byte[] routed(long routedAt, byte[] command) {
        return ByteBuffer.allocate(1 + 8 + command.length).put(ROUTED_TAG).putLong(routedAt).put(command).array();
    }

    /** The entry that fences this group at registry revision {@code revision}. */
    static byte[] fence(long revision) {
        return ByteBuffer.allocate(1 + 8).put(FENCE_TAG).putLong(revision).array();
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        if (command.length >= 9 && command[0] == FENCE_TAG) {
            fenceRevision = Math.max(fenceRevision, ByteBuffer.wrap(command, 1, 8).getLong());
            return KvCodec.encodeResult(new KvResult.TxnResult(kv.revision(), true, List.of()));
        }
        if (command.length >= 9 && command[0] == ROUTED_TAG) {
            long routedAt = ByteBuffer.wrap(command, 1, 8).getLong();
            if (routedAt < fenceRevision) return KvCodec.encodeResult(refusal(routedAt));
            return kv.apply(index, Arrays.copyOfRange(command, 9, command.length));
        }
        return kv.apply(index, command);
    }

    /** Why a command routed at {@code routedAt} is refused, or null when the fence lets it through. */
    KvResult.Failure refusalOrNull(long routedAt) {
        return routedAt != 0 && routedAt < fenceRevision ? refusal(routedAt) : null;
    }

    private KvResult.Failure refusal(long routedAt) {
        return new KvResult.Failure(kv.revision(), KvError.REGISTRY_CHANGED,
                "routed by registry revision " + routedAt + "; this group is fenced at " + fenceRevision);
    }

    @Override
    public byte[] snapshot() {
        byte[] store = kv.snapshot();
        if (fenceRevision == 0) return store;
        return ByteBuffer.allocate(FENCED_SNAPSHOT_MAGIC.length + 8 + store.length).put(FENCED_SNAPSHOT_MAGIC).putLong(fenceRevision)
                .put(store).array();
    }

    @Override
    public void restore(byte[] snapshot) {
        if (snapshot.length >= FENCED_SNAPSHOT_MAGIC.length + 8
                && Arrays.equals(snapshot, 0, FENCED_SNAPSHOT_MAGIC.length, FENCED_SNAPSHOT_MAGIC, 0, FENCED_SNAPSHOT_MAGIC.length)) {
            long fence = ByteBuffer.wrap(snapshot, FENCED_SNAPSHOT_MAGIC.length, 8).getLong();
            kv.restore(Arrays.copyOfRange(snapshot, FENCED_SNAPSHOT_MAGIC.length + 8, snapshot.length));
            fenceRevision = fence;
            return;
        }
        kv.restore(snapshot);
        fenceRevision = 0;
    }
}
