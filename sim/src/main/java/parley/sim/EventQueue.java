package parley.sim;

import java.util.Arrays;

import parley.core.Check;

/**
 * The world's agenda: a binary min-heap ordered by virtual time, then by insertion sequence, so events
 * at the same instant run in the order they were scheduled. Each event knows its heap position, so a
 * re-armed or cancelled timer moves or leaves the heap in O(log n) instead of leaving stale entries.
 */
final class EventQueue {
    private Event[] heap = new Event[1024];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest event, or null. */
    Event peek() {
        return size == 0 ? null : heap[0];
    }

    /** Schedules {@code event} at {@code timeNs}, moving it if it is already queued. */
    void schedule(Event event, long timeNs) {
        event.timeNs = timeNs;
        event.seq = nextSeq++;
        if (event.queued()) {
            int index = event.heapIndex;
            siftUp(index);
            if (event.heapIndex == index) {
                siftDown(index);
            }
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = event;
        event.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    /** Removes and returns the earliest event, or null when empty. */
    Event poll() {
        if (size == 0) {
            return null;
        }
        Event first = heap[0];
        removeAt(0);
        return first;
    }

    /** Takes {@code event} out of the queue; a no-op when it is not queued. */
    void remove(Event event) {
        if (event.queued()) {
            Check.that(heap[event.heapIndex] == event, "event queue: heap index points at the event");
            removeAt(event.heapIndex);
        }
    }

    private void removeAt(int index) {
        Event removed = heap[index];
        size--;
        Event last = heap[size];
        heap[size] = null;
        removed.heapIndex = Event.NOT_QUEUED;
        if (index == size) {
            return;
        }
        heap[index] = last;
        last.heapIndex = index;
        siftUp(index);
        if (last.heapIndex == index) {
            siftDown(index);
        }
    }

    private static boolean before(Event a, Event b) {
        return a.timeNs < b.timeNs || (a.timeNs == b.timeNs && a.seq < b.seq);
    }

    private void siftUp(int index) {
        Event event = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            Event above = heap[parent];
            if (!before(event, above)) {
                break;
            }
            heap[index] = above;
            above.heapIndex = index;
            index = parent;
        }
        heap[index] = event;
        event.heapIndex = index;
    }

    private void siftDown(int index) {
        Event event = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            Event smaller = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], smaller)) {
                child = right;
                smaller = heap[right];
            }
            if (!before(smaller, event)) {
                break;
            }
            heap[index] = smaller;
            smaller.heapIndex = index;
            index = child;
        }
        heap[index] = event;
        event.heapIndex = index;
    }
}
