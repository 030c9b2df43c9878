/**
 * Failure detection and group membership as deterministic cores: the phi accrual detector and SWIM
 * with Lifeguard.
 *
 * <h2>The story</h2>
 * A crashed node cannot be told from a slow one, so nothing here returns a verdict. The
 * {@link parley.membership.PhiAccrualDetector} turns a peer's silence into a continuous suspicion level
 * (phi) that rises the longer the peer is quiet compared with how regular it used to be; it refuses to
 * convict anyone right after this node itself stalled. A {@link parley.membership.SwimNode} keeps a view
 * of the whole cluster: each protocol period it pings one member (a shuffled round robin), asks k others
 * to ping it if it does not answer, and only then marks it SUSPECT. Suspicions, refutations (a suspected
 * member raises its incarnation and says ALIVE), deaths, joins and leaves travel piggybacked on the
 * pings and acks themselves and, as in memberlist, in a short gossip round to a few random members
 * (every 200 ms by default, only when there is news), each update about lambda * log N times; a periodic
 * full-state push-pull with a random member repairs whatever gossip missed.
 *
 * <p><b>Lifeguard</b> (Dadgar, Phillips, Currey, 2018) makes a slow member less dangerous to the healthy
 * ones: its local health score rises when its probes fail without the nacks that helpers send when they,
 * too, got no answer, or when it has to refute a suspicion about itself, and the score stretches its own
 * probe interval and timeout; a suspicion timeout starts long and shrinks only as other members confirm
 * it independently; a suspected member hears of the suspicion in the next ping it gets (the buddy system).
 *
 * <h2>Suspected is not removed</h2>
 * Gossip may mark a member SUSPECT or DEAD in one node's view; it never takes a member out of the cluster
 * configuration. A DEAD (or LEFT) member stays in the view, marked, and the node reports it once through
 * {@link parley.membership.MembershipListener#onRemovalCandidate}. The runtime routes that through
 * consensus (the server: a Raft configuration change), and only the committed change makes every node
 * call {@link parley.membership.SwimNode#removeMember}. The two sides of a partition can each believe the
 * other dead, but only a side holding a Raft majority can commit a removal; when the partition heals,
 * members refute their deaths (every push-pull period a node also exchanges state with one member it
 * believes DEAD) and views converge again.
 *
 * <h2>Determinism and bounds</h2>
 * Everything goes through {@link parley.core.env.Env}: ids, the monotonic clock, the seeded random source,
 * send and four timers ({@link parley.membership.SwimNode#PROBE_TIMER_ID},
 * {@link parley.membership.SwimNode#PUSH_PULL_TIMER_ID}, {@link parley.membership.SwimNode#GOSSIP_TIMER_ID},
 * {@link parley.membership.SwimNode#DEADLINE_TIMER_ID};
 * finer deadlines are multiplexed onto the last). A message carries at most
 * {@link parley.membership.SwimConfig#gossipPerMessageMax} updates, a push-pull chunk at most
 * {@link parley.membership.SwimConfig#pushPullChunkMax}, an update at most
 * {@link parley.membership.Update#ENCODED_BYTES_MAX} bytes; see
 * {@link parley.membership.SwimMessage#encodedBytesMax}. Indirect probes run for others are capped by
 * {@link parley.membership.SwimConfig#forwardsMax}.
 *
 * <h2>Classes</h2>
 * {@link parley.membership.SwimNode} (events, probing, push-pull), {@code MembershipView} (precedence
 * rules, suspicions, refutation), {@code MemberTable} and {@code LongIntMap} (compact per-member state),
 * {@code GossipQueue} (transmit-limited dissemination), {@code Suspicion} (dynamic timeout),
 * {@code LocalHealth}, {@code ProbeOrder}, {@code PeerPicker}, {@code Deadlines};
 * {@link parley.membership.PhiAccrualDetector} with {@code ArrivalWindow} and {@code NormalTail}.
 */
package parley.membership;
