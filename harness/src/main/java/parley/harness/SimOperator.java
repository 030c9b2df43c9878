package parley.harness;

import java.util.List;
import parley.core.env.Env;
import parley.harness.ClusterMessage.AdminOp;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * A simulated operator who changes the cluster while it is under load and under faults: hands
 * leadership to another server, demotes voters to learners and promotes them back (each a joint
 * consensus change), and, when servers run keyspaces, creates and drops scratch keyspaces (each a
 * group created or destroyed on every node). It sends each request to every server; only the leader acts. It stops at the
 * heal, so the liveness phase judges a cluster left in whatever configuration it reached.
 */
public final class SimOperator implements SimProcess<ClusterMessage> {
    private static final int ACT_TIMER = 1;
    /** Names and prefixes the operator draws keyspaces from (a clash is refused, which is part of the test). */
    private static final int SCRATCH_KEYSPACES = 3;

    private final RunContext run;
    private final List<Long> servers;
    private final long actionIntervalNsMean;
    private Env<ClusterMessage> env;
    private long nextRequestId = 1;

    SimOperator(RunContext run, List<Long> servers, long actionIntervalNsMean) {
        this.run = run;
        this.servers = List.copyOf(servers);
        this.actionIntervalNsMean = actionIntervalNsMean;
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        schedule();
    }

    private void schedule() {
        env.setTimer(ACT_TIMER, 1 + (long) (-StrictMath.log(1 - env.random().nextDouble()) * actionIntervalNsMean));
    }

    @Override
    public void onTimer(int timerId) {
        if (run.healed()) return;
        long node = servers.get(env.random().nextInt(servers.size()));
        AdminOp op = switch (env.random().nextInt(run.keyspaces() ? 5 : 3)) {
            case 0 -> new AdminOp.Transfer(node);
            case 1 -> new AdminOp.Demote(node);
            case 2 -> new AdminOp.Promote(node);
            // Scratch keyspaces outside the workload's keys: their groups come and go under the nemesis.
            case 3 -> new AdminOp.CreateKeyspace("scratch-" + env.random().nextInt(SCRATCH_KEYSPACES), "~scratch/" + env.random().nextInt(SCRATCH_KEYSPACES) + "/");
            default -> new AdminOp.DropKeyspace("scratch-" + env.random().nextInt(SCRATCH_KEYSPACES));
        };
        long requestId = nextRequestId++;
        for (long server : servers) env.send(server, new ClusterMessage.Admin(requestId, op));
        schedule();
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        if (message instanceof ClusterMessage.AdminReply reply && reply.accepted()) run.countAdminAccepted();
    }
}
