package io.lvs4j.core.conn;

/**
 * Rebuilds a table from the records a previous run left in its {@link TableFile}: every record
 * below the previous run's high-water mark is checked (flags, state, protocol, destination,
 * time left) and either kept or freed; the kept records are then added to the indexes, the
 * timer wheel, the templates' counts of connections and the real servers' counters, and the
 * others to the free list. Entries inserted before the recovery (above the mark) stay, and win
 * over a kept entry with their key.
 * Nothing but the records is trusted, so a process killed in the middle of any write leaves at
 * worst one record that is dropped here (or kept with what it had), never a structure that
 * loops or crashes. Remaining times carry over through the {@link RestartClock}: a deadline
 * of the previous run minus what that run's clock would read now is the time left, clamped to
 * the longest timeout the entry's state allows.
 *
 * <p>Runs once, on the building thread, before the table is used; allocates (control plane).
 */
final class TableRecovery {

    private static final long SECOND = 1_000_000_000L;
    private static final int KNOWN_FLAGS = ConnectionRecord.FLAG_USED | ConnectionTable.FLAG_INACTIVE
            | ConnectionTable.FLAG_NO_OUTPUT | ConnectionTable.FLAG_TEMPLATE | ConnectionTable.FLAG_NAT
            | ConnectionTable.FLAG_INVALIDATED;
    private static final int TCP = 6;

    private final ConnectionRecord rec;
    private final ConnectionRecord other;
    private final ConnectionKeys keys;
    private final EntryAllocator allocator;
    private final ConnectionAccounting accounting;
    private final ConnectionTimeouts timeouts;
    private final ExpiryWheel wheel;
    private final FlowTuple flow = new FlowTuple();
    private final TableMemory memory;
    private final DestinationResolver resolver;
    /** The table's clock: the header's anchor pairs a reading of it with the restart clock's. */
    private final io.lvs4j.core.time.NanoClock clock;
    private boolean pending;
    private int kept;
    private int dropped;

    /**
     * Prepares the recovery of a table whose records are in a file: if the file was kept, the
     * previous run's records are set aside until {@link #recoverOnce}; else the file's header
     * is written for this run at once.
     */
    TableRecovery(ConnectionRecord rec, ConnectionKeys keys, EntryAllocator allocator, ConnectionAccounting accounting,
            ExpiryWheel wheel, ConnectionTableBuilder b, TableMemory memory) {
        this.rec = rec;
        this.other = rec.another();
        this.keys = keys;
        this.allocator = allocator;
        this.accounting = accounting;
        this.timeouts = b.timeouts;
        this.wheel = wheel;
        this.memory = memory;
        this.clock = b.clock;
        DestinationRegistry registry = b.registry;
        this.resolver = b.resolver != null ? b.resolver : (f, template, id) ->
                id >= 0 && id < registry.capacity() && registry.counters(id) != null ? id : ConnectionTable.MISS;
        this.pending = memory.file.kept();
        if (pending) {
            allocator.reserve(memory.file.highWaterAtOpen());
        } else {
            memory.file.commit(memory.spec, clock.nanoTime());
        }
    }

    /** @return whether the previous run's records wait for {@link #recoverOnce} */
    boolean pending() {
        return pending;
    }

    /**
     * Takes over the previous run's records, once; logs what was kept and writes this run's
     * header.
     *
     * @param now the table's time
     * @return the entries kept (0 on later calls)
     */
    int recoverOnce(long now) {
        if (!pending) {
            return 0;
        }
        pending = false;
        TableFile file = memory.file;
        recover(file.highWaterAtOpen(), file.previousNow(), now, resolver);
        file.recovered(kept, dropped);
        file.commit(memory.spec, clock.nanoTime());
        return kept;
    }

    /** @return entries kept by the last {@link #recover} */
    int kept() {
        return kept;
    }

    /** @return entries dropped by the last {@link #recover} (malformed, expired, unknown server, duplicate) */
    int dropped() {
        return dropped;
    }

    /**
     * Rebuilds the table from its records.
     *
     * @param highWater records at or above it were never used by the previous run
     * @param previousNow what the previous run's table clock would read now
     * @param now this run's table clock now
     * @param resolver maps each kept entry's server to its id in this run
     */
    void recover(int highWater, long previousNow, long now, DestinationResolver resolver) {
        for (int e = 0; e < highWater; e++) {
            check(e, previousNow, now, resolver);
        }
        for (int e = 0; e < highWater; e++) {
            if (used(e) && template(e)) {
                indexTemplate(e);
            }
        }
        for (int e = 0; e < highWater; e++) {
            if (used(e) && !template(e)) {
                indexConnection(e, highWater);
            }
        }
        for (int e = 0; e < highWater; e++) {
            if (used(e)) {
                rec.wrap(e);
                wheel.schedule(e, rec.deadline());
                accounting.bind(rec.destination(), rec.flags() & ~ConnectionRecord.FLAG_USED);
                kept++;
            }
        }
        allocator.recover(highWater);
    }

    private boolean used(int e) {
        return (rec.wrap(e).flags() & ConnectionRecord.FLAG_USED) != 0;
    }

    private boolean template(int e) {
        return (rec.wrap(e).flags() & ConnectionTable.FLAG_TEMPLATE) != 0;
    }

    /** Frees a record that cannot be kept, or already was free. */
    private void free(int e, boolean count) {
        rec.wrap(e).flags(0);
        if (count) {
            dropped++;
        }
    }

    private void check(int e, long previousNow, long now, DestinationResolver resolver) {
        rec.wrap(e);
        int flags = rec.flags();
        if ((flags & ConnectionRecord.FLAG_USED) == 0) {
            free(e, false);
            return;
        }
        boolean template = (flags & ConnectionTable.FLAG_TEMPLATE) != 0;
        boolean nat = (flags & ConnectionTable.FLAG_NAT) != 0;
        int state = rec.state();
        boolean wellFormed = (flags & ~KNOWN_FLAGS) == 0 && rec.protocol() != 0
                && state >= 0 && state < TcpState.values().length
                && (template ? (flags & (ConnectionTable.FLAG_NAT | ConnectionTable.FLAG_NO_OUTPUT)) == 0
                        && rec.templateTimeout() > 0
                        : (flags & ConnectionTable.FLAG_INVALIDATED) == 0
                        && !(nat && (flags & ConnectionTable.FLAG_NO_OUTPUT) != 0));
        long left = rec.deadline() - previousNow;
        if (!wellFormed || left <= 0) {
            free(e, true);
            return;
        }
        rec.copyOut(flow, false);
        int id = resolver.resolve(flow, template, rec.destination());
        if (id < 0) {
            free(e, true);
            return;
        }
        rec.wrap(e).destination(id);
        if (template) {
            rec.control(0);
        } else if (rec.protocol() == TCP) {
            // flags and state are written one after the other: trust the state
            boolean established = state == TcpState.ESTABLISHED.ordinal();
            rec.flags(established ? flags & ~ConnectionTable.FLAG_INACTIVE : flags | ConnectionTable.FLAG_INACTIVE);
        }
        rec.deadline(now + Math.min(left, longest(template, state)));
    }

    /** @return the longest time an entry of this kind may have left */
    private long longest(boolean template, int state) {
        if (template) {
            return rec.templateTimeout() * SECOND;
        }
        long longest = Math.max(timeouts.udpNanos(), 3 * SECOND);
        return rec.protocol() == TCP ? Math.max(longest, timeouts.tcpNanos(state)) : longest;
    }

    private void indexTemplate(int e) {
        rec.wrap(e);
        if ((rec.flags() & ConnectionTable.FLAG_INVALIDATED) != 0) {
            return; // out of the index, ends on its timer
        }
        rec.copyOut(flow, false);
        if (keys.lookupTemplate(keys.templateKey(flow, 128)) != ConnectionTable.MISS) {
            free(e, true);
            return;
        }
        keys.add(e, false);
    }

    private void indexConnection(int e, int highWater) {
        rec.wrap(e);
        boolean nat = (rec.flags() & ConnectionTable.FLAG_NAT) != 0;
        rec.copyOut(flow, false);
        if (keys.lookup(flow) != ConnectionTable.MISS || nat && keys.lookupReply(flow) != ConnectionTable.MISS) {
            free(e, true);
            return;
        }
        int control = rec.wrap(e).control();
        if (control != 0) {
            int t = control - 1;
            if (t < 0 || t >= highWater || !used(t) || !template(t)) {
                rec.wrap(e).control(0);
            } else {
                other.wrap(t).control(other.control() + 1);
            }
        }
        keys.add(e, nat);
    }
}
