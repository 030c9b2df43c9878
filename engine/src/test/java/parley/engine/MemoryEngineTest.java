package parley.engine;

/** The contract, on the in-memory engine. */
class MemoryEngineTest extends KvEngineContract {
    @Override
    protected KvEngine create() {
        return new MemoryEngine();
    }
}
