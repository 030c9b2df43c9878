package parley.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * One watch's position in history. {@code nextRevision} is the first revision not yet handed out
 * (emitted or buffered), so revisions are delivered gap-free and exactly once. A synced watcher
 * receives each new revision as it commits; an unsynced one is behind and catches up from the
 * store's history.
 */
final class Watcher {
    final long id;
    final WatchRequest request;
    long nextRevision;
    boolean synced;
    /** The consumer stopped reading: nothing is handed out until it reads again. */
    boolean blocked;
    /** Committed events not yet drained, one inner list per revision, oldest first. */
    final List<List<Event>> buffered = new ArrayList<>();
    int bufferedEvents;

    Watcher(long id, WatchRequest request, long nextRevision) {
        this.id = id;
        this.request = request;
        this.nextRevision = nextRevision;
    }

    /** The events of one revision this watcher wants, shaped as it asked. */
    List<Event> select(List<Event> events) {
        List<Event> selected = new ArrayList<>();
        for (Event event : events) {
            if (request.wants(event)) {
                selected.add(request.prevKv() ? event : event.withoutPrevKv());
            }
        }
        return selected;
    }

    void buffer(List<Event> revisionEvents) {
        buffered.add(revisionEvents);
        bufferedEvents += revisionEvents.size();
    }

    /**
     * Forgets the buffer and goes back to catching up from its first revision: the history still
     * holds those events, so memory stays bounded without losing any of them.
     */
    void fallBehind() {
        if (!buffered.isEmpty()) {
            nextRevision = buffered.get(0).get(0).revision();
        }
        buffered.clear();
        bufferedEvents = 0;
        synced = false;
    }
}
