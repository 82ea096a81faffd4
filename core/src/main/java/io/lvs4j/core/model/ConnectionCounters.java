package io.lvs4j.core.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

/**
 * The live connection counters of one real server (IPVS's {@code activeconns},
 * {@code inactconns} and {@code persistconns}) and its overload flag.
 *
 * <p>Thread-safe and lock-free: event loops update the counters with atomic adds when a
 * connection is bound, changes state or is unbound (per connection, never per packet);
 * schedulers read them without synchronization. The overload flag follows IPVS's
 * {@code ip_vs_bind_dest} and {@code ip_vs_unbind_dest}:
 * <ul>
 *   <li>on bind, the flag is set if the upper threshold is above 0 and active plus inactive
 *       connections have reached it;</li>
 *   <li>on unbind, with a lower threshold above 0 the flag clears below it; otherwise, with
 *       an upper threshold above 0, it clears below three quarters of it; with no thresholds
 *       it clears.</li>
 * </ul>
 * The counters of a server outlive its removal from a virtual service, so that connections
 * still bound to it are counted until they end, as IPVS keeps removed servers in its trash.
 *
 * <p>{@link Observer}s (the index of a least-connection scheduler) are told of every change,
 * on the thread that made it, after the counters and the flag have their new values.
 */
public final class ConnectionCounters {

    private static final VarHandle ACTIVE;
    private static final VarHandle INACTIVE;
    private static final VarHandle PERSISTENT;
    private static final VarHandle OBSERVERS;
    private static final Observer[] NONE = new Observer[0];

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE = lookup.findVarHandle(ConnectionCounters.class, "active", int.class);
            INACTIVE = lookup.findVarHandle(ConnectionCounters.class, "inactive", int.class);
            PERSISTENT = lookup.findVarHandle(ConnectionCounters.class, "persistent", int.class);
            OBSERVERS = lookup.findVarHandle(ConnectionCounters.class, "observers", Observer[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int active;
    private volatile int inactive;
    private volatile int persistent;
    private volatile boolean overloaded;
    private volatile int upperThreshold;
    private volatile int lowerThreshold;
    private volatile Observer[] observers = NONE;

    /**
     * Told of every change of a server's counters or overload flag. Called on the thread that
     * made the change (an event loop, per connection event), so it must be quick, lock-free and
     * allocation-free, and must not throw.
     */
    @FunctionalInterface
    public interface Observer {

        /** The counters or the overload flag have changed; their new values are visible. */
        void countersChanged();
    }

    /** Creates counters at zero with no thresholds. */
    public ConnectionCounters() {
    }

    /**
     * Sets the thresholds the overload rules use; called by the control plane.
     *
     * @param upper the upper threshold, 0 for none
     * @param lower the lower threshold, 0 for none
     */
    public void thresholds(int upper, int lower) {
        this.upperThreshold = upper;
        this.lowerThreshold = lower;
    }

    /**
     * Adds an observer; lock-free, for the control plane (an observer added twice is told twice).
     *
     * @param observer the observer
     */
    public void observe(Observer observer) {
        Objects.requireNonNull(observer, "observer");
        Observer[] current;
        Observer[] next;
        do {
            current = observers;
            next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = observer;
        } while (!OBSERVERS.compareAndSet(this, current, next));
    }

    /**
     * Removes an observer (one registration of it, compared by identity); lock-free.
     *
     * @param observer the observer
     */
    public void unobserve(Observer observer) {
        Observer[] current;
        Observer[] next;
        do {
            current = observers;
            int at = -1;
            for (int i = 0; i < current.length && at < 0; i++) {
                if (current[i] == observer) {
                    at = i;
                }
            }
            if (at < 0) {
                return;
            }
            next = new Observer[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, next.length - at);
        } while (!OBSERVERS.compareAndSet(this, current, next));
    }

    private void changed() {
        Observer[] o = observers;
        for (Observer observer : o) {
            observer.countersChanged();
        }
    }

    /**
     * Counts a new connection bound to this server.
     *
     * @param inactive true if it starts inactive (IPVS's {@code IP_VS_CONN_F_INACTIVE})
     */
    public void bindConnection(boolean inactive) {
        if (inactive) {
            INACTIVE.getAndAdd(this, 1);
        } else {
            ACTIVE.getAndAdd(this, 1);
        }
        int upper = upperThreshold;
        if (upper != 0 && totalConnections() >= upper) {
            overloaded = true;
        }
        changed();
    }

    /**
     * Counts the end of a connection bound to this server.
     *
     * @param inactive true if it was counted as inactive when it ended
     */
    public void unbindConnection(boolean inactive) {
        if (inactive) {
            INACTIVE.getAndAdd(this, -1);
        } else {
            ACTIVE.getAndAdd(this, -1);
        }
        relaxOverload();
        changed();
    }

    /** Counts a new persistence template bound to this server. */
    public void bindTemplate() {
        PERSISTENT.getAndAdd(this, 1);
        int upper = upperThreshold;
        if (upper != 0 && totalConnections() >= upper) {
            overloaded = true;
        }
        changed();
    }

    /** Counts the end of a persistence template bound to this server. */
    public void unbindTemplate() {
        PERSISTENT.getAndAdd(this, -1);
        relaxOverload();
        changed();
    }

    /** Moves one connection from inactive to active (it reached ESTABLISHED). */
    public void activate() {
        INACTIVE.getAndAdd(this, -1);
        ACTIVE.getAndAdd(this, 1);
        changed();
    }

    /** Moves one connection from active to inactive (it left ESTABLISHED). */
    public void deactivate() {
        ACTIVE.getAndAdd(this, -1);
        INACTIVE.getAndAdd(this, 1);
        changed();
    }

    private void relaxOverload() {
        int lower = lowerThreshold;
        int upper = upperThreshold;
        int total = totalConnections();
        if (lower != 0) {
            if (total < lower) {
                overloaded = false;
            }
        } else if (upper != 0) {
            if ((long) total * 4 < (long) upper * 3) {
                overloaded = false;
            }
        } else {
            overloaded = false;
        }
    }

    /**
     * Returns the active connections (TCP and SCTP in ESTABLISHED; UDP entries count as inactive, as in IPVS).
     *
     * @return IPVS's ActiveConn
     */
    public int activeConnections() {
        return active;
    }

    /**
     * Returns the inactive connections (TCP in any state but ESTABLISHED, and every UDP entry).
     *
     * @return IPVS's InActConn
     */
    public int inactiveConnections() {
        return inactive;
    }

    /**
     * Returns the persistence templates that point at this server.
     *
     * @return IPVS's PersistConn
     */
    public int persistentConnections() {
        return persistent;
    }

    /**
     * Returns active plus inactive connections, IPVS's {@code ip_vs_dest_totalconns}.
     *
     * @return the total the thresholds are compared with
     */
    public int totalConnections() {
        return active + inactive;
    }

    /**
     * Tells whether the server is overloaded; schedulers skip overloaded servers.
     *
     * @return IPVS's {@code IP_VS_DEST_F_OVERLOAD}
     */
    public boolean overloaded() {
        return overloaded;
    }
}
