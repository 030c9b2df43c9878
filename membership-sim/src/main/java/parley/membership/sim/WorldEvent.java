package parley.membership.sim;

import parley.membership.SwimMessage;

/** One scheduled happening: a delivery, a timer, or an action of the world itself (a fault). */
final class WorldEvent {
    static final int DELIVER = 0;
    static final int TIMER = 1;
    static final int ACTION = 2;

    final int kind;
    long timeNs;
    long order;
    /** DELIVER: receiver; TIMER: owner. */
    int node;
    /** DELIVER: sender. */
    int from;
    /** TIMER: timer id. */
    int timerId;
    /** TIMER: the arming it belongs to (a re-armed or cancelled timer leaves a stale event behind). */
    long generation;
    /** The process life it belongs to; events of an earlier life are dropped. */
    int life;
    SwimMessage message;
    Runnable action;

    WorldEvent(int kind) {
        this.kind = kind;
    }
}
