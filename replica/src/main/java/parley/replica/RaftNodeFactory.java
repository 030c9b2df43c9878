package parley.replica;

import parley.core.env.Env;
import parley.raft.RaftConfig;
import parley.raft.RaftListener;
import parley.raft.RaftMessage;
import parley.raft.RaftNode;
import parley.raft.RaftStorage;
import parley.raft.StateMachine;

/**
 * Makes a replica's {@link RaftNode}. Both runtimes use {@link #STANDARD}; the seam exists so that test
 * code can run the simulator or the real server with a planted-bug subclass (overriding one of
 * RaftNode's protected test seams) and show that the checks catch it.
 */
@FunctionalInterface
public interface RaftNodeFactory {
    RaftNodeFactory STANDARD = RaftNode::new;

    RaftNode create(RaftConfig config, Env<RaftMessage> env, RaftStorage storage, StateMachine stateMachine, RaftListener listener);
}
