package parley.harness;

import parley.core.env.Env;
import parley.raft.RaftConfig;
import parley.raft.RaftListener;
import parley.raft.RaftMessage;
import parley.raft.RaftNode;
import parley.raft.RaftStorage;
import parley.raft.StateMachine;

/**
 * Creates the Raft node a simulated server runs. Production runs use {@link #STANDARD}; the test
 * suite plugs in planted-bug variants to prove the simulation and the checkers catch them.
 */
@FunctionalInterface
public interface RaftNodeFactory {
    RaftNodeFactory STANDARD = RaftNode::new;

    RaftNode create(RaftConfig config, Env<RaftMessage> env, RaftStorage storage, StateMachine stateMachine,
                    RaftListener listener);
}
