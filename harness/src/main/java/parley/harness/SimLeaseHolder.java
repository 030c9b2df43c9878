package parley.harness;

import java.util.List;
import parley.core.env.Env;
import parley.harness.ClusterMessage.LeaseOp;
import parley.harness.ClusterMessage.Reply;
import parley.sim.SimDisk;
import parley.sim.SimProcess;

/**
 * A simulated lease holder, as an etcd client holding a session lease: it grants a lease with a
 * short TTL and keeps it alive three times per TTL, retrying at the leader it is pointed to. Each
 * refresh it is told succeeded goes to the {@link LeaseLedger} with the servers' clock readings at
 * the moment it sent it, and each expiry the servers apply is judged against those. When its lease
 * is gone (it expired during a partition, say) it grants a new one, up to {@link #LEASES_MAX}.
 */
final class SimLeaseHolder implements SimProcess<ClusterMessage> {
    private static final int REFRESH_TIMER = 1;
    private static final int ATTEMPT_TIMER = 2;
    private static final int RETRY_TIMER = 3;
    /** Pause before retrying a refused request, so a leaderless cluster is not asked in a tight loop. */
    private static final long BACKOFF_NS = 20_000_000L;
    /** A refresh not answered within this long is sent again (same session sequence) to another server. */
    private static final long ATTEMPT_TIMEOUT_NS = 300_000_000L;
    /** Leases one holder grants in a run, so a run's lease ids stay few. */
    static final int LEASES_MAX = 50;

    private final RunContext run;
    private final long holderId;
    private final List<Long> servers;
    private final long ttlSeconds;
    private Env<ClusterMessage> env;
    private int targetIndex;
    private int leasesGranted;
    private long leaseId;
    private boolean granted;
    private long sequence;
    private long requestId;
    private LeaseOp inFlight;
    private long[] clocksAtSend;

    SimLeaseHolder(RunContext run, long holderId, List<Long> servers, long ttlSeconds) {
        this.run = run;
        this.holderId = holderId;
        this.servers = List.copyOf(servers);
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public void onStart(Env<ClusterMessage> env, SimDisk disk) {
        this.env = env;
        targetIndex = env.random().nextInt(servers.size());
        env.setTimer(REFRESH_TIMER, env.random().nextLong(1, 500_000_000L));
    }

    @Override
    public void onTimer(int timerId) {
        switch (timerId) {
            case REFRESH_TIMER -> startRefresh();
            case ATTEMPT_TIMER -> {
                targetIndex = (targetIndex + 1) % servers.size();
                send();
            }
            case RETRY_TIMER -> send();
            default -> throw new IllegalStateException("lease holder timer " + timerId);
        }
    }

    private void startRefresh() {
        if (inFlight != null) return;
        if (!granted) {
            if (leasesGranted >= LEASES_MAX) return;
            leaseId = holderId * 1_000 + ++leasesGranted;
            inFlight = new LeaseOp.Grant(leaseId, ttlSeconds);
        } else {
            inFlight = new LeaseOp.KeepAlive(leaseId);
        }
        sequence++;
        // The refresh counts from when it leaves: a leader renews no earlier than it arrives.
        clocksAtSend = run.serverClocksNs();
        send();
    }

    private void send() {
        if (inFlight == null) return;
        requestId++;
        env.send(servers.get(targetIndex), new ClusterMessage.LeaseRequest(requestId, holderId, sequence, inFlight));
        env.setTimer(ATTEMPT_TIMER, ATTEMPT_TIMEOUT_NS);
    }

    @Override
    public void onMessage(long from, ClusterMessage message) {
        if (!(message instanceof ClusterMessage.Response response) || inFlight == null || response.requestId() != requestId) return;
        switch (response.reply()) {
            case Reply.NotLeader notLeader -> retryAt(notLeader.leaderHint(), from);
            case Reply.Busy busy -> retryAt(0, from);
            case Reply.Unknown unknown -> retryAt(0, from); // same sequence: applies at most once
            case Reply.LeaseAlive alive -> {
                run.leases().refreshed(holderId, inFlight.leaseId(), alive.ttlSeconds(), clocksAtSend, inFlight instanceof LeaseOp.Grant);
                granted = true;
                finish(ttlSeconds * 1_000_000_000L / 3);
            }
            case Reply.LeaseNotFound notFound -> {
                granted = false; // expired (or on its way out): hold a new one
                finish(50_000_000L);
            }
            default -> throw new IllegalStateException("lease holder c" + holderId + " got " + response.reply() + " from n" + from);
        }
    }

    private void retryAt(long leaderHint, long from) {
        int hinted = servers.indexOf(leaderHint);
        targetIndex = hinted >= 0 ? hinted : (servers.indexOf(from) + 1) % servers.size();
        env.cancelTimer(ATTEMPT_TIMER);
        env.setTimer(RETRY_TIMER, BACKOFF_NS);
    }

    private void finish(long nextInNs) {
        inFlight = null;
        env.cancelTimer(ATTEMPT_TIMER);
        env.setTimer(REFRESH_TIMER, nextInNs);
    }
}
