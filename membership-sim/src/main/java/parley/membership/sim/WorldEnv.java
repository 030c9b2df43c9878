package parley.membership.sim;

import parley.core.env.Env;
import parley.core.env.RandomSource;
import parley.membership.SwimMessage;

/** The {@link Env} one life of one simulated node sees. Its clock is the world's plus a fixed offset. */
final class WorldEnv implements Env<SwimMessage> {
    private final MembershipWorld world;
    private final int index;
    private final int life;
    private final RandomSource random;

    WorldEnv(MembershipWorld world, int index, int life, RandomSource random) {
        this.world = world;
        this.index = index;
        this.life = life;
        this.random = random;
    }

    @Override public long nodeId() { return MembershipWorld.idOf(index); }
    @Override public long nowNs() { return world.localNowNs(index); }
    @Override public RandomSource random() { return random; }
    @Override public void send(long to, SwimMessage message) { world.send(index, life, to, message); }
    @Override public void setTimer(int timerId, long delayNs) { world.armTimer(index, life, timerId, delayNs); }
    @Override public void cancelTimer(int timerId) { world.cancelTimer(index, life, timerId); }
}
