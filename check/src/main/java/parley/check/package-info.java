/**
 * The history checker: decides whether what concurrent clients saw could have come from a single
 * register per key, each operation taking effect at one instant between its invocation and its
 * completion (linearizability, Herlihy and Wing 1990).
 *
 * <h2>From file to operations</h2>
 * A history is JSON lines in Jepsen's operation model: {@code invoke}, then {@code ok},
 * {@code fail} or {@code info} per process. {@link parley.check.HistoryReader} pairs each invoke
 * with its completion into an {@link parley.check.Operation}, refusing anything malformed with a
 * {@link parley.check.HistoryFormatException} that names file and line. Line numbers are the
 * positions the checker reasons with: a line that comes later happened later. The simulator
 * records histories with {@link parley.check.HistoryWriter}.
 *
 * <h2>What the outcomes mean</h2>
 * An {@code ok} operation took effect; a failed read, write or append did not and is dropped; a
 * failed {@code cas} did not take effect either but is kept as evidence that the value was not the
 * expected one when it ran. An {@code info} operation, or an invoke that never completed, may have
 * taken effect at any time after its invocation or never: it has no return to bound it, and the
 * search is free to leave it out. An {@code info} read says nothing.
 *
 * <h2>The search</h2>
 * Linearizability is compositional, so {@link parley.check.LinearizabilityChecker} checks each key
 * on its own. For one key it runs the algorithm of Wing and Gong as improved by Lowe ("Testing for
 * linearizability", 2017) and used by Porcupine: history events form a linked list of calls and
 * returns ({@link parley.check.EntryList}); the operations whose calls precede the first remaining
 * return are the candidates to take effect next; the search tries one that the register model
 * ({@link parley.check.RegisterModel}) accepts, lifts its entries out of the list, goes deeper,
 * and backtracks when nothing fits. Every configuration (set of linearized operations, register
 * value) it has entered is remembered ({@link parley.check.ConfigMemo}) and never explored again.
 * The search is exponential in the worst case, so it runs under a time budget and a memory budget
 * and answers {@link parley.check.Verdict#UNKNOWN} rather than hang or run out of memory.
 *
 * <h2>Why it is fast</h2>
 * Plain Wing-Gong search drowns in the arrangements of concurrent operations. A handful of exact
 * refinements, each argued where it lives, keep it near-linear on realistic histories:
 * <ol>
 *   <li><b>Observers go first.</b> A read or failed cas that fits the current value is taken at
 *       once and alone: moving a state-preserving operation earlier never breaks an order
 *       ({@link parley.check.CandidateCollector}).
 *   <li><b>Starvation.</b> An operation that needs value v can only be served by a few
 *       <em>producers</em> of v: those invoked before it returns and not certainly overwritten before
 *       it begins ({@link parley.check.ValueSupply}). Once they are all used up, the value must stay
 *       v until that operation takes effect; any other value dooms the configuration at once
 *       ({@link parley.check.SupplyTracker}). A stale read, or a read of a value never written,
 *       fails before the search even starts. With appends the same holds for text: once no write
 *       can reset the value, it must stay a prefix of every string still to be read
 *       ({@link parley.check.PrefixResets}, {@link parley.check.PrefixTracker}).
 *   <li><b>Unknown outcomes only when they matter.</b> An {@code info} operation is tried only
 *       where its effect could be observed by something still to come
 *       ({@link parley.check.RemainingDemand}); and a configuration with more {@code info}
 *       operations applied than one already explored, but otherwise equal, is dominated by it
 *       ({@link parley.check.ConfigMemo}).
 *   <li><b>Unobservable values are one value.</b> The memo files every configuration whose value
 *       nothing still to come can observe under a single state, merging the arrangements of writes
 *       and appends that nobody read.
 *   <li><b>Helpful candidates first.</b> Operations that produce a value a pending operation waits
 *       for are tried before others; unknown outcomes last.
 * </ol>
 * A brute-force checker in the tests cross-examines these refinements on random small histories.
 *
 * <h2>Results</h2>
 * {@link parley.check.CheckResult} carries the verdict and, for a violation, a
 * {@link parley.check.Witness}: the key, the furthest the search got, the value there, and the
 * operation that could not take effect with the few operations that explain why, rendered by
 * {@link parley.check.Witness#describe()}. {@link parley.check.CheckReport} formats results for
 * people and as JSON lines, and {@link parley.check.CheckCommandRunner} is the whole
 * {@code parley check} command minus its argument parsing.
 */
package parley.check;
