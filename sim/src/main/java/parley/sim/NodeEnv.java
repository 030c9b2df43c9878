package parley.sim;

import parley.core.env.Env;
import parley.core.env.RandomSource;

/**
 * The {@link Env} handed to one incarnation of a process. Every effect goes through the world's queue;
 * nothing is delivered synchronously. Using it after its incarnation crashed is a bug and throws.
 */
final class NodeEnv<M> implements Env<M> {
    private final Simulation<M> world;
    private final Node<M> node;
    private final long incarnation;

    NodeEnv(Simulation<M> world, Node<M> node, long incarnation) {
        this.world = world;
        this.node = node;
        this.incarnation = incarnation;
    }

    @Override
    public long nodeId() {
        return node.identity; // a twin is who it pretends to be
    }

    @Override
    public long nowNs() {
        return node.clock.localNs(world.nowNs());
    }

    @Override
    public RandomSource random() {
        return node.random;
    }

    @Override
    public void send(long to, M message) {
        requireCurrent();
        world.send(node, to, message);
    }

    @Override
    public void setTimer(int timerId, long delayNs) {
        requireCurrent();
        world.armTimer(node, timerId, delayNs);
    }

    @Override
    public void cancelTimer(int timerId) {
        requireCurrent();
        world.cancelTimer(node, timerId);
    }

    @Override
    public parley.core.env.Buggify buggify() {
        return world.buggify();
    }

    private void requireCurrent() {
        if (node.env != this || node.incarnation != incarnation) {
            throw new IllegalStateException(node.name + ": env of incarnation " + incarnation
                    + " used after it crashed (current incarnation " + node.incarnation + ", " + node.state + ")");
        }
    }
}
