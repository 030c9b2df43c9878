package parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import parley.server.KeyspaceAdminApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley keyspace}: creates, lists, describes and drops keyspaces through the admin API every
 * node serves on its client port ({@link KeyspaceAdminApi}).
 */
@Command(
        name = "keyspace",
        mixinStandardHelpOptions = true,
        description = {
                "Manage keyspaces: named key prefixes, each replicated by its own Raft group.",
                "Keys outside every prefix belong to the default keyspace. A request (range, txn, watch) must stay inside",
                "one keyspace; one that spans two is refused with FAILED_PRECONDITION naming both."},
        subcommands = {KeyspaceCommand.Create.class, KeyspaceCommand.ListKeyspaces.class, KeyspaceCommand.Describe.class,
                KeyspaceCommand.Drop.class})
final class KeyspaceCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: create, list, describe or drop");
    }

    /** Shared body: one admin call on the first endpoint that takes it. */
    abstract static class AdminSub extends KvCommand.Sub {
        @Option(names = "--json", description = "Print the server's answer as JSON.")
        boolean json;

        JsonNode call(MethodDescriptor<JsonNode, JsonNode> method, JsonNode request) {
            return connection.call(channel -> ClientCalls.blockingUnaryCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS), request));
        }

        void print(PrintStream out, JsonNode keyspace) {
            if (json) {
                out.println(keyspace.toPrettyString());
                return;
            }
            out.println(line(keyspace));
        }
    }

    static String line(JsonNode keyspace) {
        String prefix = keyspace.path("name").asText().equals("default") ? "(keys outside every prefix)"
                : printable(keyspace.path("prefix").asText()) ? "\"" + keyspace.path("prefix").asText() + "\""
                : "0x" + keyspace.path("prefixHex").asText();
        long leader = keyspace.path("leader").asLong(0);
        String state = keyspace.path("state").asText("active");
        return String.format("%-20s %-28s %-13s group %-5d replicas %-10s leader %-5s%s", keyspace.path("name").asText(), prefix,
                keyspace.path("mode").asText(), keyspace.path("group").asLong(), join(keyspace.path("replicas")),
                leader == 0 ? "none" : Long.toString(leader), state.equals("active") ? "" : " " + state).stripTrailing();
    }

    private static boolean printable(String s) {
        for (char c : s.toCharArray()) if (c < 0x20 || c >= 0x7f) return false;
        return true;
    }

    private static String join(JsonNode ids) {
        StringBuilder out = new StringBuilder();
        ids.forEach(id -> out.append(out.isEmpty() ? "" : ",").append(id.asLong()));
        return out.toString();
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a keyspace for every key that starts with --prefix.")
    static final class Create extends AdminSub {
        @Parameters(index = "0", paramLabel = "NAME", description = "Lower case letters, digits, '-' and '_'.")
        String name;

        @Option(names = "--prefix", required = true, description = "The keys the keyspace holds; must not overlap another keyspace's prefix.")
        String prefix;

        @Option(names = "--mode", defaultValue = "linearizable", description = "How it replicates: linearizable (Raft). Byzantine and eventual are not built yet.")
        String mode;

        @Override
        int execute(PrintStream out) {
            ObjectNode request = JSON.createObjectNode().put("name", name).put("prefix", prefix).put("mode", mode);
            print(out, call(KeyspaceAdminApi.CREATE, request));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every keyspace, the default first.")
    static final class ListKeyspaces extends AdminSub {
        @Override
        int execute(PrintStream out) {
            JsonNode answer = call(KeyspaceAdminApi.LIST, JSON.createObjectNode());
            if (json) {
                out.println(answer.toPrettyString());
                return 0;
            }
            for (JsonNode keyspace : answer.path("keyspaces")) out.println(line(keyspace));
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one keyspace.")
    static final class Describe extends AdminSub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int execute(PrintStream out) {
            print(out, call(KeyspaceAdminApi.DESCRIBE, JSON.createObjectNode().put("name", name)));
            return 0;
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = "Drop a keyspace: its group is destroyed on every node and its data deleted. Cannot be undone.")
    static final class Drop extends AdminSub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        int execute(PrintStream out) {
            JsonNode dropped = call(KeyspaceAdminApi.DROP, JSON.createObjectNode().put("name", name));
            out.println("dropped " + dropped.path("name").asText() + " (group " + dropped.path("group").asLong() + ")");
            return 0;
        }
    }
}
