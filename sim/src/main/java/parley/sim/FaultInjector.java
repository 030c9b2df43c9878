package parley.sim;

/**
 * Something that injects faults during the safety phase and ends them all at {@link #heal()}: the
 * {@link parley.sim.nemesis.Nemesis}, a scripted scenario, or nothing.
 */
public interface FaultInjector {

    /** Begins injecting faults from now on. */
    void start();

    /** Stops injecting and ends every fault (network restored, nodes resumed and restarted). */
    void heal();

    /** No faults; healing still restores whatever the harness broke by hand. */
    static FaultInjector none(Simulation<?> world) {
        return new FaultInjector() {
            @Override public void start() {}
            @Override public void heal() { world.healAll(); }
        };
    }
}
