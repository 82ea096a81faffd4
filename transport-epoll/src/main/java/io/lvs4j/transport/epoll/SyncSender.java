package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncConnection;
import io.lvs4j.core.sync.SyncDatagramSink;
import io.lvs4j.core.sync.SyncFlags;
import io.lvs4j.core.sync.SyncMessageWriter;
import io.lvs4j.core.sync.SyncStates;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * One loop's sync master, as IPVS's ({@code ip_vs_sync_conn}): while the director is the sync
 * master, each incoming packet of a connection may make its record go out
 * ({@link SyncDecision}), then its template's; records are batched into version 1 datagrams of
 * up to {@code maxlen} bytes in the loop's own buffer ({@link SyncMessageWriter}), sent when one
 * is full and at every 100 ms tick. Between packets, a sweep re-sends the whole table at a
 * bounded pace ({@link SyncTuning}): a returning director learns idle connections too. Full-NAT
 * connections cannot be carried by a version 1 record (no local address) and are counted
 * instead.
 *
 * <p>The role is read at each tick; becoming master starts a sweep at once. Not thread-safe: its
 * loop only; allocation-free after construction (the IPv6 decisions are made at the first tick
 * that sees an IPv6 table).
 */
final class SyncSender {

    private static final long SECOND = 1_000_000_000L;
    private static final int SYNCED_TCP_STATES = 1 << SyncStates.TCP_ESTABLISHED | 1 << SyncStates.TCP_FIN_WAIT
            | 1 << SyncStates.TCP_CLOSE | 1 << SyncStates.TCP_CLOSE_WAIT | 1 << SyncStates.TCP_TIME_WAIT;

    private final SyncMessageWriter writer;
    private final LoopCounters<DirectorCounter> counters;
    private final DestinationTable destinations;
    private final SyncTuning tuning;
    private final BooleanSupplier master;
    private final int capacity;
    private final SyncDecision decisions4;
    private SyncDecision decisions6;
    private boolean active;
    private boolean sweeping;
    private boolean sweepingIpv6;
    private int cursor = ConnectionTable.MISS;
    private long lastSweep;

    /**
     * @param syncId the sync id of the datagrams
     * @param maxlen the largest datagram
     * @param buffer the datagram buffer the socket reads, native, at least
     *     {@link SyncMessageWriter#bufferSize(int)} bytes
     * @param out where each finished datagram goes (the loop's socket)
     * @param counters the loop's counters
     * @param destinations the destinations, shared by the loops
     * @param capacity the capacity of each of the loop's tables
     * @param tuning when to sync
     * @param master whether the director is the sync master now; any thread's value, read at each tick
     */
    SyncSender(int syncId, int maxlen, MemorySegment buffer, SyncDatagramSink out, LoopCounters<DirectorCounter> counters,
            DestinationTable destinations, int capacity, SyncTuning tuning, BooleanSupplier master) {
        this.writer = new SyncMessageWriter(syncId, maxlen, buffer, (datagram, length) -> {
            counters.increment(DirectorCounter.SYNC_DATAGRAMS_SENT);
            out.send(datagram, length);
        });
        this.counters = counters;
        this.destinations = destinations;
        this.tuning = tuning;
        this.master = master;
        this.capacity = capacity;
        this.decisions4 = new SyncDecision(capacity, tuning);
    }

    private SyncDecision decisions(ConnectionTable table) {
        return table.ipv6() ? decisions6 : decisions4;
    }

    /** A new connection or template took this entry number. */
    void created(ConnectionTable table, int entry) {
        SyncDecision d = decisions(table);
        if (d != null) {
            d.reset(entry);
        }
    }

    /** A peer's record installed this entry. */
    void installed(ConnectionTable table, int entry, int state) {
        SyncDecision d = decisions(table);
        if (d != null) {
            d.installed(entry, state);
        }
    }

    /**
     * Follows an incoming packet of a connection, which the table has just moved: sends its
     * record (and its template's) if IPVS would. The hot path: no allocation, no lock.
     *
     * @param table the connection's table
     * @param entry the connection
     */
    void onPacket(ConnectionTable table, int entry) {
        SyncDecision d = decisions(table);
        if (!active || d == null) {
            return;
        }
        long now = table.now();
        if (d.onPacket(entry, table.protocol(entry), false, table.state(entry).ordinal(),
                table.deadline(entry) - now, now)) {
            write(table, entry);
            int template = table.controllingTemplate(entry);
            if (template != ConnectionTable.MISS && d.onPacket(template, table.protocol(template), true,
                    SyncStates.TEMPLATE_NONE, table.templateTimeoutSeconds(template) * SECOND, now)) {
                write(table, template);
            }
        }
    }

    /**
     * Every 100 ms: reads the role, sweeps a slice of the tables while master, and sends the
     * datagram in progress.
     *
     * @param table the loop's IPv4 table
     * @param table6 its IPv6 table, or null
     * @param now the loop's clock
     */
    void tick(ConnectionTable table, ConnectionTable table6, long now) {
        boolean m = master.getAsBoolean();
        if (m && !active) {
            lastSweep = now - tuning.sweepIntervalNanos();
            sweeping = false;
        }
        active = m;
        if (table6 != null && decisions6 == null) {
            decisions6 = new SyncDecision(capacity, tuning);
        }
        if (active) {
            sweep(table, table6, now);
        }
        writer.flush();
    }

    private void sweep(ConnectionTable table, ConnectionTable table6, long now) {
        if (!sweeping && tuning.sweepIntervalNanos() > 0 && now - lastSweep >= tuning.sweepIntervalNanos()) {
            sweeping = true;
            sweepingIpv6 = false;
            cursor = ConnectionTable.MISS;
            lastSweep = now;
        }
        int budget = tuning.sweepRecordsPerTick();
        while (sweeping && budget > 0) {
            ConnectionTable t = sweepingIpv6 ? table6 : table;
            cursor = t == null ? ConnectionTable.MISS : t.nextEntry(cursor);
            if (cursor == ConnectionTable.MISS) {
                sweeping = !sweepingIpv6 && table6 != null;
                sweepingIpv6 = true;
                continue;
            }
            boolean template = (t.flags(cursor) & ConnectionTable.FLAG_TEMPLATE) != 0;
            if (template || t.protocol(cursor) != SyncStates.PROTOCOL_TCP
                    || (1 << t.state(cursor).ordinal() & SYNCED_TCP_STATES) != 0) {
                write(t, cursor); // a TCP connection still opening is not synced, as in IPVS
                budget--;
            }
        }
    }

    /** Adds an entry's record to the datagram in progress. */
    private void write(ConnectionTable table, int entry) {
        int flags = table.flags(entry);
        ServiceSlot slot = destinations.owner(table.destination(entry));
        if (slot == null) {
            return; // its service was removed: nothing a peer could install
        }
        ForwardingMethod method = slot.forwarding().method();
        if ((flags & ConnectionTable.FLAG_FULL_NAT) != 0 || method == ForwardingMethod.FULL_NAT) {
            counters.increment(DirectorCounter.SYNC_NOT_SYNCABLE);
            return;
        }
        boolean template = (flags & ConnectionTable.FLAG_TEMPLATE) != 0;
        int wire = SyncFlags.of(method) | (method == ForwardingMethod.MASQUERADE ? 0 : SyncFlags.NOOUTPUT)
                | (template ? SyncFlags.TEMPLATE : 0)
                | ((flags & ConnectionTable.FLAG_INACTIVE) != 0 ? SyncFlags.INACTIVE : 0);
        long seconds = template ? table.templateTimeoutSeconds(entry)
                : Math.max(1, (table.deadline(entry) - table.now() + SECOND - 1) / SECOND);
        boolean ipv6 = table.ipv6();
        SyncConnection r = writer.add(ipv6, false, 0, 0);
        r.protocol(table.protocol(entry)).flags(wire)
                .state(template ? SyncStates.TEMPLATE_NONE : table.state(entry).ordinal())
                .clientPort(table.clientPort(entry)).virtualPort(table.virtualPort(entry))
                .destinationPort(table.destinationPort(entry)).fwmark(slot.service().fwmark())
                .timeoutSeconds(seconds);
        if (ipv6) {
            r.clientAddress(table.memory(), table.clientAddressOffset(entry))
                    .virtualAddress(table.memory(), table.virtualAddressOffset(entry))
                    .destinationAddress(table.memory(), table.destinationAddressOffset(entry));
        } else {
            r.addressesIpv4(table.clientAddressIpv4(entry), table.virtualAddressIpv4(entry),
                    table.destinationAddressIpv4(entry));
        }
        counters.increment(DirectorCounter.SYNC_RECORDS_SENT);
    }

    /** @return whether this loop sends now (the role as of its last tick) */
    boolean active() {
        return active;
    }
}
