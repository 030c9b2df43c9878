package parley.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import parley.server.ServerConfig;
import parley.server.ServerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley server --config FILE}: runs one node of a real cluster until stopped (SIGTERM, Ctrl-C). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs one Parley node: write-ahead log, peer transport, Raft KV, HTTP /metrics /health /status.",
            "The config file format is described in docs/server.md."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's config file.")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = ServerConfig.read(configFile);
        } catch (ServerConfig.ConfigException e) {
            throw new UserError(e.getMessage());
        }
        ServerNode node;
        try {
            node = ServerNode.start(config);
        } catch (java.io.IOException | RuntimeException e) {
            throw new UserError("node " + config.nodeId() + " could not start: " + e.getMessage());
        }
        // The peers keep refusing this process (another live process runs with its node id): one line, exit.
        node.onFatal(reason -> new Thread(() -> {
            System.err.println("parley: error: node " + config.nodeId() + " stops: " + reason);
            System.exit(Main.EXIT_USAGE);
        }, "parley-fatal-exit").start());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "parley-shutdown"));
        System.out.printf("parley node %d of cluster '%s' running: peers on %s, http on 127.0.0.1:%d, data in %s%n",
                config.nodeId(), config.clusterName(), config.peerListen(), node.httpPort(), config.dataDir());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
