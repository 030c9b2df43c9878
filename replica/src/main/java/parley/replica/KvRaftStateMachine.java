package parley.replica;

import parley.kv.KvStateMachine;
import parley.raft.StateMachine;

/**
 * Raft applies committed commands to the MVCC store through this adapter: {@code kv} does not depend
 * on {@code raft}, so the two meet here.
 */
public record KvRaftStateMachine(KvStateMachine kv) implements StateMachine {
    @Override public byte[] apply(long index, byte[] command) { return kv.apply(index, command); }

    @Override public byte[] snapshot() { return kv.snapshot(); }

    @Override public void restore(byte[] snapshot) { kv.restore(snapshot); }
}
