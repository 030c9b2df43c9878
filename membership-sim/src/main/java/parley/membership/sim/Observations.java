package parley.membership.sim;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import parley.membership.Member;
import parley.membership.MemberState;
import parley.membership.MembershipListener;

/**
 * What the world knows that no node does: which nodes really crashed. Every node's listener reports
 * here, so the run can tell a detection (a crashed node suspected or declared dead) from a false
 * positive (a running node, maybe slow or stalled, suspected or declared dead by a running node).
 */
public final class Observations {
    private final MembershipWorld world;
    private final Map<Integer, CrashTrack> crashes = new HashMap<>();
    /** Per member: the highest incarnation already counted as a false suspicion / death (-1: none). */
    private final long[] suspicionCountedUpTo;
    private final long[] deathCountedUpTo;
    private long falseSuspicions;
    private long falseSuspicionsOfHealthy;
    private long falseDeaths;
    private long falseDeathViews;
    private long refutations;

    /** How one crash spreads through the views of the running nodes. */
    public static final class CrashTrack {
        final int member;
        final long crashedAtNs;
        final BitSet aware = new BitSet();
        final BitSet dead = new BitSet();
        long firstAwareNs = -1;
        long allAwareNs = -1;
        long firstDeadNs = -1;
        long allDeadNs = -1;

        CrashTrack(int member, long crashedAtNs) {
            this.member = member;
            this.crashedAtNs = crashedAtNs;
        }

        /** Crash to the first running node suspecting it (or -1). */
        public long firstDetectionNs() { return firstAwareNs < 0 ? -1 : firstAwareNs - crashedAtNs; }
        /** Crash to every running node suspecting it or declaring it dead (or -1). */
        public long allAwareNs() { return allAwareNs < 0 ? -1 : allAwareNs - crashedAtNs; }
        /** Crash to the first running node declaring it DEAD (or -1). */
        public long firstDeadNs() { return firstDeadNs < 0 ? -1 : firstDeadNs - crashedAtNs; }
        /** Crash to every running node declaring it DEAD: full dissemination (or -1). */
        public long allDeadNs() { return allDeadNs < 0 ? -1 : allDeadNs - crashedAtNs; }
        public int member() { return member; }
    }

    Observations(MembershipWorld world) {
        this.world = world;
        this.suspicionCountedUpTo = new long[world.size()];
        this.deathCountedUpTo = new long[world.size()];
        java.util.Arrays.fill(suspicionCountedUpTo, -1);
        java.util.Arrays.fill(deathCountedUpTo, -1);
    }

    MembershipListener listenerFor(int observer) {
        return new MembershipListener() {
            @Override
            public void onStateChanged(Member member, MemberState previous) {
                changed(observer, MembershipWorld.indexOf(member.id()), member.state(), member.incarnation());
            }

            @Override
            public void onJoined(Member member) {
                if (member.state() != MemberState.ALIVE) {
                    changed(observer, MembershipWorld.indexOf(member.id()), member.state(), member.incarnation());
                }
            }

            @Override
            public void onRefuted(long newIncarnation) {
                refutations++;
            }
        };
    }

    private void changed(int observer, int member, MemberState state, long incarnation) {
        if (world.isCrashed(observer)) return;
        CrashTrack track = world.isCrashed(member) ? crashes.get(member) : null;
        if (track == null) {
            if (!world.isCrashed(member)) countFalsePositive(member, state, incarnation);
            return;
        }
        track.aware.set(observer, state != MemberState.ALIVE);
        track.dead.set(observer, state.isDown());
        update(track);
    }

    /**
     * One incident per member and incarnation, however many views it reaches: a suspicion is raised
     * once and spread by gossip, and what matters is how often a running member is accused.
     */
    private void countFalsePositive(int member, MemberState state, long incarnation) {
        if (state == MemberState.SUSPECT && incarnation > suspicionCountedUpTo[member]) {
            suspicionCountedUpTo[member] = incarnation;
            falseSuspicions++;
            if (!world.isSlow(member)) falseSuspicionsOfHealthy++;
        }
        if (state == MemberState.DEAD) {
            falseDeathViews++;
            if (incarnation > deathCountedUpTo[member]) {
                deathCountedUpTo[member] = incarnation;
                falseDeaths++;
            }
        }
    }

    void onCrash(int member) {
        CrashTrack track = new CrashTrack(member, world.nowNs());
        crashes.put(member, track);
        for (int observer = 0; observer < world.size(); observer++) {
            if (world.isCrashed(observer) || world.node(observer) == null) continue;
            MemberState seen = world.node(observer).stateOf(MembershipWorld.idOf(member));
            if (seen != null && seen != MemberState.ALIVE) track.aware.set(observer);
            if (seen != null && seen.isDown()) track.dead.set(observer);
        }
        // The crashed node itself no longer counts as an observer of anyone's crash.
        for (CrashTrack other : crashes.values()) {
            other.aware.clear(member);
            other.dead.clear(member);
            update(other);
        }
    }

    void onRestart(int member) {
        crashes.remove(member);
    }

    private void update(CrashTrack track) {
        long now = world.nowNs();
        int live = world.liveCount();
        if (track.firstAwareNs < 0 && !track.aware.isEmpty()) track.firstAwareNs = now;
        if (track.firstDeadNs < 0 && !track.dead.isEmpty()) track.firstDeadNs = now;
        if (track.allAwareNs < 0 && track.aware.cardinality() >= live) track.allAwareNs = now;
        if (track.allDeadNs < 0 && track.dead.cardinality() >= live) track.allDeadNs = now;
    }

    void onSend(int from) {
        // Counted by the world; a hook for per-node accounting if a report ever needs it.
    }

    /** The crash of {@code member}, or null if it is not (or no longer) crashed. */
    public CrashTrack crash(int member) {
        return crashes.get(member);
    }

    public Iterable<CrashTrack> crashes() {
        return crashes.values();
    }

    /** Running members suspected by running members: incidents (one per member and incarnation). */
    public long falseSuspicions() { return falseSuspicions; }
    /** As {@link #falseSuspicions}, of members that are not slow. */
    public long falseSuspicionsOfHealthy() { return falseSuspicionsOfHealthy; }
    /** Running members declared DEAD by some running member: false removals, one per member and incarnation. */
    public long falseDeaths() { return falseDeaths; }
    /** Views in which a running member was declared DEAD (one false removal counts in every view it reached). */
    public long falseDeathViews() { return falseDeathViews; }
    public long refutations() { return refutations; }
}
