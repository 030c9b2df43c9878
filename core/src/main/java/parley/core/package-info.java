/**
 * What every protocol core shares: the {@link parley.core.env.Env environment} through which a core
 * acts on the world, and always-on {@link parley.core.Check invariant checks}. JDK only.
 */
package parley.core;
