package parley.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import parley.raft.RaftNode;
import parley.replica.RaftNodeFactory;
import parley.server.ServerConfig;
import parley.server.ServerNode;

/**
 * Test code only: the real server with a planted bug, for {@code parley torture --planted-bug} and
 * {@link TortureTest}. Its leader counts an entry committed as soon as it appended it, before any
 * follower (or even its own disk) has it: the write is acknowledged on the leader's word alone. Cut the
 * leader off and it keeps acknowledging writes the majority never sees; a fault test must catch that.
 * The same override the simulator's PlantedBugTest uses, through the server's RaftNodeFactory seam.
 *
 * <p>Usage as a server process: {@code java -cp ... parley.cli.PlantedBugServer --config FILE}.
 */
public final class PlantedBugServer {
    static final RaftNodeFactory COMMIT_BEFORE_QUORUM = (config, env, storage, stateMachine, listener) ->
            new RaftNode(config, env, storage, stateMachine, listener) {
                @Override
                protected long quorumCommitIndex() {
                    return status().lastIndex();
                }
            };

    private PlantedBugServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: PlantedBugServer --config FILE");
            System.exit(Main.EXIT_USAGE);
        }
        ServerNode node = ServerNode.start(ServerConfig.read(Path.of(args[1])), COMMIT_BEFORE_QUORUM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "parley-shutdown"));
        System.out.printf("PLANTED BUG (commit before quorum): parley node %d running, http on %d%n", node.config().nodeId(), node.httpPort());
        System.out.flush();
        stopped.await();
    }
}
