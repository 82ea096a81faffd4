package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;

/**
 * How a table's entries are born, live and end, over the table's parts: a new entry is
 * allocated ({@link EntryAllocator}), written ({@link ConnectionRecord}), indexed
 * ({@link ConnectionKeys}), armed ({@link ExpiryWheel}) and counted
 * ({@link ConnectionAccounting}); packets move its TCP state and re-arm it; when its time has
 * come it is taken out of all of them in the reverse order, and a full-NAT entry's local port
 * goes back to its owner.
 *
 * <p>Not thread-safe: the table's owning thread only. Allocates nothing.
 */
final class EntryLifecycle {

    private static final int MISS = ConnectionTable.MISS;
    private static final long SECOND = 1_000_000_000L;

    private final ConnectionRecord rec;
    private final ConnectionRecord other;
    private final ConnectionKeys keys;
    private final EntryAllocator allocator;
    private final ConnectionAccounting accounting;
    private final ConnectionTimeouts timeouts;
    private final ConnectionTable.FullNatListener fullNatListener;
    private final ExpiryWheel wheel;
    /** TCP timeouts by state: IPVS's, or with {@code secure_tcp}'s short ones for embryonic states. */
    private final long[] normalTcp;
    private final long[] secureTcp;
    private long[] tcp;
    /** Makes room in a full table for a new flow; null until {@link #guard} is called. */
    private FloodGuard guard;
    /** Holds the local address of a refused full-NAT insert for the listener. */
    private final MemorySegment refusedLocal;
    private long now;

    /**
     * Assembles the parts of a table.
     *
     * @param records a flyweight of the records, for this object alone
     * @param keys the keys and indexes
     * @param allocator the records' allocator
     * @param accounting the real servers' counters
     * @param config the table's timeouts, full-NAT listener (null without) and wheel
     * @param scratch 16 bytes of memory of this object's
     * @param now the current time
     */
    EntryLifecycle(ConnectionRecord records, ConnectionKeys keys, EntryAllocator allocator,
            ConnectionAccounting accounting, ConnectionTableBuilder config, MemorySegment scratch, long now) {
        this.rec = records;
        this.other = records.another();
        this.keys = keys;
        this.allocator = allocator;
        this.accounting = accounting;
        this.timeouts = config.timeouts;
        this.fullNatListener = config.fullNatListener;
        this.refusedLocal = scratch;
        this.now = now;
        this.wheel = new ExpiryWheel(records.memory(), records.size(), config.tickNanos, config.wheelSize, now,
                this::end);
        int states = TcpState.values().length;
        this.normalTcp = new long[states];
        this.secureTcp = new long[states];
        long secure = config.floodDefense.secureTimeout().toNanos();
        for (int s = 0; s < states; s++) {
            normalTcp[s] = timeouts.tcpNanos(s);
            boolean embryonic = s == TcpState.NONE.ordinal() || s == TcpState.SYN_SENT.ordinal()
                    || s == TcpState.SYN_RECV.ordinal() || s == TcpState.SYNACK.ordinal();
            secureTcp[s] = embryonic ? Math.min(normalTcp[s], secure) : normalTcp[s];
        }
        this.tcp = normalTcp;
    }

    /**
     * Sets the flood guard that makes room for new flows in a full table.
     *
     * @param value the guard
     */
    void guard(FloodGuard value) {
        this.guard = value;
    }

    /**
     * Switches {@code secure_tcp}'s short timeouts of embryonic states on or off, for the
     * packets to come.
     *
     * @param on whether they apply
     */
    void secure(boolean on) {
        tcp = on ? secureTcp : normalTcp;
    }

    /** @return the time of the last {@link #expire} */
    long now() {
        return now;
    }

    /** @return the wheel, for deadlines */
    ExpiryWheel wheel() {
        return wheel;
    }

    /**
     * Adds a connection: written from the tuple, indexed, armed and counted; its template, if
     * any, controls one more connection (and is re-armed if asked). A refused full-NAT entry's
     * local port goes back at once.
     *
     * @return the entry, or {@link ConnectionTable#MISS} if the table is full
     */
    int add(FlowTuple flow, int destinationId, int flags, int state, long timeout, int template,
            boolean fresh) {
        boolean fullNat = (flags & ConnectionTable.FLAG_FULL_NAT) != 0;
        if (fresh && guard != null) {
            guard.makeRoom(now);
        }
        int e = allocator.allocate();
        if (e == MISS) {
            if (fullNat) {
                flow.copyLocalAddress(refusedLocal, 0);
                fullNatListener.released(refusedLocal, 0, flow.localPort(), destinationId);
            }
            return MISS;
        }
        rec.wrap(e).write(flow, ConnectionRecord.FLAG_USED | flags, destinationId, flow.clientPort()).state(state)
                .control(template == MISS ? 0 : template + 1);
        if (fullNat) {
            rec.writeLocal(flow);
        }
        keys.add(e, (flags & ConnectionTable.FLAG_NAT) != 0);
        wheel.schedule(e, now + timeout);
        accounting.bind(destinationId, flags);
        if (template != MISS) {
            other.wrap(template).control(other.control() + 1);
            if (fresh) {
                wheel.reschedule(template, now + other.templateTimeout() * SECOND);
            }
        }
        return e;
    }

    /**
     * Adds a persistence template with a masked key.
     *
     * @return the template, or {@link ConnectionTable#MISS} if the table is full
     */
    int addTemplate(FlowTuple masked, int destinationId, int seconds, long timeout) {
        int e = allocator.allocate();
        if (e == MISS) {
            return MISS;
        }
        rec.wrap(e).write(masked, ConnectionRecord.FLAG_USED | ConnectionTable.FLAG_TEMPLATE, destinationId, 0)
                .templateTimeout(seconds);
        keys.add(e, false);
        wheel.schedule(e, now + timeout);
        accounting.bind(destinationId, ConnectionTable.FLAG_TEMPLATE);
        return e;
    }

    /** Makes a template stop matching lookups; it ends on its timer. */
    void invalidate(int template) {
        int flags = rec.wrap(template).flags();
        if ((flags & ConnectionTable.FLAG_INVALIDATED) == 0) {
            keys.removeForward(template);
            rec.wrap(template).flags(flags | ConnectionTable.FLAG_INVALIDATED);
        }
    }

    /** IPVS's {@code set_tcp_state}: see {@link ConnectionTable#onTcpPacket}. */
    void onTcpPacket(int entry, PacketDirection direction, int tcpFlags) {
        rec.wrap(entry);
        int flags = rec.flags();
        int table;
        if ((flags & ConnectionTable.FLAG_NO_OUTPUT) != 0) {
            if (direction == PacketDirection.OUTPUT) {
                flags &= ~ConnectionTable.FLAG_NO_OUTPUT;
                table = TcpStateMachine.OUTPUT;
            } else {
                table = TcpStateMachine.INPUT_ONLY;
            }
        } else {
            table = direction == PacketDirection.INPUT ? TcpStateMachine.INPUT : TcpStateMachine.OUTPUT;
        }
        int old = rec.state();
        int next = TcpStateMachine.next(table, tcpFlags, old);
        if (next != old) {
            flags = accounting.stateChanged(rec.destination(), flags, next);
            rec.state(next);
        }
        rec.flags(flags);
        wheel.reschedule(entry, now + tcp[next]);
    }

    /** Re-arms a non-TCP connection for the UDP timeout. */
    void onPacket(int entry) {
        wheel.reschedule(entry, now + timeouts.udpNanos());
    }

    /** A peer's state and time to live: see {@link ConnectionTable#update}. */
    void update(int entry, int state, long timeout) {
        rec.wrap(entry);
        int flags = rec.flags();
        if ((flags & ConnectionTable.FLAG_TEMPLATE) == 0 && rec.protocol() == 6 && rec.state() != state) {
            rec.flags(accounting.stateChanged(rec.destination(), flags, state)).state(state);
        }
        wheel.reschedule(entry, now + timeout);
    }

    /**
     * Takes the time and ends every entry whose deadline has passed.
     *
     * @param time the clock's time
     * @return the number of entries removed
     */
    int expire(long time) {
        now = time;
        return wheel.poll(time);
    }

    /** Ends an entry now: see {@link ConnectionTable#expireNow}. */
    boolean expireNow(int entry) {
        wheel.cancel(entry);
        return end(entry);
    }

    /**
     * The wheel's {@link ExpiryWheel.Expiry}: ends an entry whose time has come (its timer
     * detached), or re-arms a template that still controls connections.
     */
    private boolean end(int e) {
        rec.wrap(e);
        int flags = rec.flags();
        int destination = rec.destination();
        if ((flags & ConnectionTable.FLAG_TEMPLATE) != 0) {
            if (rec.control() > 0) {
                wheel.schedule(e, now + rec.templateTimeout() * SECOND);
                return false;
            }
            if ((flags & ConnectionTable.FLAG_INVALIDATED) == 0) {
                keys.removeForward(e);
            }
        } else {
            keys.removeForward(e);
            if ((flags & ConnectionTable.FLAG_NAT) != 0) {
                keys.removeReverse(e);
            }
            int control = rec.control();
            if (control > 0) {
                other.wrap(control - 1).control(other.control() - 1);
            }
        }
        accounting.unbind(destination, flags);
        if ((flags & ConnectionTable.FLAG_FULL_NAT) != 0) {
            fullNatListener.released(rec.memory(), rec.localAddressAt(), rec.localPort(), destination);
        }
        allocator.free(e);
        return true;
    }

    /** Hands the local port of every full-NAT entry still in the table back (at close). */
    void releaseLocalPorts() {
        if (fullNatListener == null) {
            return;
        }
        for (int e = allocator.nextInUse(MISS); e != MISS; e = allocator.nextInUse(e)) {
            rec.wrap(e);
            if ((rec.flags() & ConnectionTable.FLAG_FULL_NAT) != 0) {
                fullNatListener.released(rec.memory(), rec.localAddressAt(), rec.localPort(), rec.destination());
            }
        }
    }
}
