/**
 * The ordered key-value engine under the replicated state: {@link parley.engine.KvEngine} (the
 * contract), {@link parley.engine.WriteBatch} and {@link parley.engine.MemoryEngine}. JDK only and
 * under the determinism scan: the simulator runs the in-memory engine inside its world.
 */
package parley.engine;
