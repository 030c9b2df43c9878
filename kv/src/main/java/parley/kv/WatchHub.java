package parley.kv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import parley.core.Check;

/**
 * The watches of one replica. Watches are local: they are not replicated and not in snapshots; a
 * client that loses its replica re-watches elsewhere from the last revision it saw.
 *
 * <p>Designed for one caller that both applies and watches, with no callbacks into the runtime:
 * the hub hears each committed revision from the store, buffers the events its watchers want, and
 * hands out messages when the runtime calls {@link #drain()} (after each apply, or each batch of
 * applies). A watch starting in the past first replays history from the store, a bounded chunk per
 * drain, then joins the live stream; the switch is seamless because both read the same revisions
 * and a watcher tracks the next revision it owes. Events of one revision always travel together.
 *
 * <p>A watcher whose undrained events exceed {@link KvConfig#watchPendingEventsMax()} drops its
 * buffer and catches up from history instead, as etcd's "victim" watchers do; if compaction overtakes
 * it meanwhile, it is canceled with the compact revision, like any watch that starts too far back.
 *
 * <p>Flow control: a runtime whose consumer stops reading (a gRPC stream that is not ready) calls
 * {@link #block}; the hub then hands that watcher nothing more, not even progress notices, until
 * {@link #unblock}. Meanwhile it buffers the watcher's events while all blocked watchers together
 * hold at most {@link KvConfig#watchBlockedEventsMax()}, and past that the watcher falls behind and
 * later catches up from history. So a consumer that never reads costs a bounded buffer here and at
 * most one drain's responses in the runtime, whatever the write rate.
 */
public final class WatchHub {
    private final MvccStore store;
    private final KvConfig config;
    private final TreeMap<Long, Watcher> watchers = new TreeMap<>();
    /**
     * The unblocked watchers that have something to hand out: buffered live events, or history still
     * to replay. A drain visits only these, so an event costs nothing per idle or held-back watcher.
     */
    private final TreeMap<Long, Watcher> withWork = new TreeMap<>();
    /** Created and canceled notices, in the order they happened, waiting for the next drain. */
    private final List<WatchResponse> notices = new ArrayList<>();
    private long watchIdNext = 1;
    /** Events buffered by blocked watchers, all together (bounded by {@link KvConfig#watchBlockedEventsMax()}). */
    private long blockedBufferedEvents;
    /** Watchers whose consumers stopped reading. */
    private int blockedWatchers;

    /** Creates the hub and makes it the one listener of {@code store}'s commits. */
    WatchHub(MvccStore store, KvConfig config) {
        this.store = store;
        this.config = config;
        store.listener(new MvccStore.Listener() {
            @Override
            public void onCommitted(long revision, List<Event> events) {
                deliver(revision, events);
            }

            @Override
            public void onReset() {
                rewind();
            }
        });
    }

    /**
     * Starts a watch and returns its id (unique in this hub). The created notice, and a cancel when
     * the start revision is compacted or the hub is full, arrive with the next {@link #drain()}.
     */
    public long watch(WatchRequest request) {
        long id = watchIdNext++;
        notices.add(WatchResponse.created(id, store.revision()));
        if (watchers.size() >= config.watchersMax()) {
            notices.add(WatchResponse.canceled(id, store.revision(), "parley: too many watchers"));
            return id;
        }
        long start = request.startRevision() == 0 ? store.revision() + 1 : request.startRevision();
        Watcher watcher = new Watcher(id, request, start);
        // A watch starting after the current revision has no history to replay; it just waits.
        watcher.synced = start > store.revision();
        watchers.put(id, watcher);
        noteWork(watcher);
        return id;
    }

    /** Ends a watch; its cancel notice arrives with the next drain. Returns false when unknown. */
    public boolean cancel(long watchId) {
        Watcher watcher = watchers.remove(watchId);
        if (watcher == null) {
            return false;
        }
        withWork.remove(watchId);
        if (watcher.blocked) {
            blockedBufferedEvents -= watcher.bufferedEvents;
            blockedWatchers--;
        }
        notices.add(WatchResponse.canceled(watchId, store.revision(), ""));
        return true;
    }

    /**
     * The consumer of watch {@code watchId} stopped reading: hand it nothing until {@link #unblock}.
     * Returns false when the watch is unknown (it ended).
     */
    public boolean block(long watchId) {
        Watcher watcher = watchers.get(watchId);
        if (watcher == null) {
            return false;
        }
        if (!watcher.blocked) {
            watcher.blocked = true;
            withWork.remove(watchId);
            blockedWatchers++;
            blockedBufferedEvents += watcher.bufferedEvents;
            fallBehindIfOverBlockedBudget(watcher);
        }
        return true;
    }

    /** The consumer of watch {@code watchId} reads again: the next drains hand it what it missed. */
    public boolean unblock(long watchId) {
        Watcher watcher = watchers.get(watchId);
        if (watcher == null) {
            return false;
        }
        if (watcher.blocked) {
            watcher.blocked = false;
            blockedWatchers--;
            blockedBufferedEvents -= watcher.bufferedEvents;
            Check.that(blockedBufferedEvents >= 0, "blocked watchers' buffered events never go negative: %d", blockedBufferedEvents);
            noteWork(watcher);
        }
        return true;
    }

    /** Whether watch {@code watchId}'s consumer is blocked (false for unknown watches). */
    public boolean blocked(long watchId) {
        Watcher watcher = watchers.get(watchId);
        return watcher != null && watcher.blocked;
    }

    /** Watchers whose consumers stopped reading. */
    public int blockedWatchers() {
        return blockedWatchers;
    }

    /** Watchers active in this hub. */
    public int watchers() {
        return watchers.size();
    }

    /** Events buffered for blocked watchers, all together. */
    public long blockedBufferedEvents() {
        return blockedBufferedEvents;
    }

    /**
     * Everything ready to send: notices first, then per unblocked watcher (by id) its buffered live
     * events, or for a watcher still catching up one more chunk of history. Responses carry at most
     * {@link KvConfig#watchBatchEventsMax()} events unless one revision alone has more.
     */
    public List<WatchResponse> drain() {
        List<WatchResponse> out = new ArrayList<>(notices);
        notices.clear();
        List<Watcher> visiting = new ArrayList<>(withWork.values());
        for (Watcher watcher : visiting) {
            Check.that(!watcher.blocked, "watch %d: a held-back watcher has no work to hand out", watcher.id);
            if (!watcher.synced && !catchUp(watcher, out)) {
                watchers.remove(watcher.id); // compacted away: canceled with the compact revision
                withWork.remove(watcher.id);
                continue;
            }
            if (watcher.synced) {
                flush(watcher, out);
                withWork.remove(watcher.id);
            }
        }
        return out;
    }

    /** Whether some unblocked watcher is still replaying history, so the runtime should drain again soon. */
    public boolean catchingUp() {
        for (Watcher watcher : withWork.values()) {
            if (!watcher.synced) {
                return true;
            }
        }
        return false;
    }

    /**
     * A progress notice for each watcher that has been sent everything up to the current revision
     * (etcd's progress notify); call right after {@link #drain()}. Watchers still catching up get none,
     * as a progress revision promises that no older event is still to come; blocked ones get none
     * either (their consumer reads nothing).
     */
    public List<WatchResponse> progress() {
        List<WatchResponse> out = new ArrayList<>();
        for (Watcher watcher : watchers.values()) {
            progressOf(watcher).ifPresent(out::add);
        }
        return out;
    }

    /** A progress notice for one watcher, if it is up to date (see {@link #progress()}). */
    public Optional<WatchResponse> progress(long watchId) {
        Watcher watcher = watchers.get(watchId);
        return watcher == null ? Optional.empty() : progressOf(watcher);
    }

    private Optional<WatchResponse> progressOf(Watcher watcher) {
        if (!watcher.synced || watcher.blocked || watcher.bufferedEvents > 0) {
            return Optional.empty();
        }
        return Optional.of(WatchResponse.progress(watcher.id, store.revision()));
    }

    /** The ids of the active watches, ascending. */
    public List<Long> watchIds() {
        return List.copyOf(watchers.keySet());
    }

    /** Hands a committed revision to every synced watcher that wants some of it. */
    private void deliver(long revision, List<Event> events) {
        for (Watcher watcher : watchers.values()) {
            if (!watcher.synced || revision < watcher.nextRevision) {
                continue;
            }
            Check.that(revision == watcher.nextRevision, "watch %d gets revision %d gap-free, expected %d",
                    watcher.id, revision, watcher.nextRevision);
            List<Event> wanted = watcher.select(events);
            if (!wanted.isEmpty()) {
                watcher.buffer(wanted);
                if (watcher.blocked) {
                    blockedBufferedEvents += wanted.size();
                } else {
                    withWork.putIfAbsent(watcher.id, watcher);
                }
            }
            watcher.nextRevision = revision + 1;
            if (watcher.bufferedEvents > config.watchPendingEventsMax()) {
                fallBehind(watcher);
            } else {
                fallBehindIfOverBlockedBudget(watcher);
            }
        }
    }

    /** A blocked watcher past the blocked watchers' shared budget drops its buffer (it catches up later). */
    private void fallBehindIfOverBlockedBudget(Watcher watcher) {
        if (watcher.blocked && blockedBufferedEvents > config.watchBlockedEventsMax()) {
            fallBehind(watcher);
        }
    }

    private void fallBehind(Watcher watcher) {
        if (watcher.blocked) {
            blockedBufferedEvents -= watcher.bufferedEvents;
        }
        watcher.fallBehind();
        noteWork(watcher);
        Check.that(blockedBufferedEvents >= 0, "blocked watchers' buffered events never go negative: %d", blockedBufferedEvents);
    }

    /** Puts an unblocked watcher with events to hand out or history to replay among those a drain visits. */
    private void noteWork(Watcher watcher) {
        if (!watcher.blocked && (!watcher.synced || watcher.bufferedEvents > 0)) {
            withWork.putIfAbsent(watcher.id, watcher);
        }
    }

    /** The history under the watchers was replaced: every watcher re-reads from its position. */
    private void rewind() {
        for (Watcher watcher : watchers.values()) {
            fallBehind(watcher);
        }
    }

    /**
     * Replays one chunk of history to {@code watcher}: whole revisions, packed as {@link #flush}
     * packs live ones, until the batch is full or a scan budget is spent. Returns false when the
     * watcher's position was compacted away; it is then canceled with the compact revision.
     */
    private boolean catchUp(Watcher watcher, List<WatchResponse> out) {
        if (watcher.nextRevision < store.compactRevision()) {
            out.add(WatchResponse.compacted(watcher.id, store.revision(), store.compactRevision()));
            return false;
        }
        int batchMax = config.watchBatchEventsMax();
        long scanBudget = 16L * batchMax;
        long scanned = 0;
        List<Event> batch = new ArrayList<>();
        Iterator<Mutation> changes = store.changes(watcher.nextRevision, store.revision(), (int) Math.min(Integer.MAX_VALUE, scanBudget)).iterator();
        Mutation next = changes.hasNext() ? changes.next() : null;
        boolean stopped = false;
        while (next != null && !stopped) {
            long revision = next.revision().main();
            List<Event> group = new ArrayList<>();
            while (next != null && next.revision().main() == revision) {
                scanned++;
                selectReplayed(watcher, next, group);
                next = changes.hasNext() ? changes.next() : null;
            }
            if (!batch.isEmpty() && batch.size() + group.size() > batchMax) {
                watcher.nextRevision = revision; // this revision opens the next chunk
                stopped = true;
            } else {
                batch.addAll(group);
                watcher.nextRevision = revision + 1;
                stopped = batch.size() >= batchMax || scanned >= scanBudget;
            }
        }
        if (next == null && (!stopped || watcher.nextRevision > store.revision())) {
            // History is exhausted: from here on the watcher takes revisions as they commit. A
            // watch that starts in the future keeps its later start.
            watcher.nextRevision = Math.max(watcher.nextRevision, store.revision() + 1);
            watcher.synced = true;
        }
        if (!batch.isEmpty()) {
            out.add(WatchResponse.events(watcher.id, store.revision(), batch));
        }
        return true;
    }

    /** Adds the event of a stored change to {@code group} if the watcher wants it. */
    private void selectReplayed(Watcher watcher, Mutation change, List<Event> group) {
        Event event = new Event(change.type(), change.kv(), null);
        if (watcher.request.wants(event)) {
            group.add(watcher.request.prevKv() ? new Event(change.type(), change.kv(), store.previousOf(change)) : event);
        }
    }

    /** Packs the buffered revisions into responses, never splitting a revision. */
    private void flush(Watcher watcher, List<WatchResponse> out) {
        List<Event> batch = new ArrayList<>();
        for (List<Event> revisionEvents : watcher.buffered) {
            if (!batch.isEmpty() && batch.size() + revisionEvents.size() > config.watchBatchEventsMax()) {
                out.add(WatchResponse.events(watcher.id, store.revision(), batch));
                batch = new ArrayList<>();
            }
            batch.addAll(revisionEvents);
        }
        if (!batch.isEmpty()) {
            out.add(WatchResponse.events(watcher.id, store.revision(), batch));
        }
        watcher.buffered.clear();
        watcher.bufferedEvents = 0;
    }
}
