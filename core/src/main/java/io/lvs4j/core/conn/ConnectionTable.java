package io.lvs4j.core.conn;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.time.NanoClock;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * IPVS's connection table, off-heap: entries keyed by (protocol, client address and port,
 * virtual address and port), each bound to a real server (a destination id), with IPVS's TCP
 * state machine, timeouts, ActiveConn/InActConn accounting, persistence templates and expiry
 * by a timer wheel. One table holds one address family ({@link ConnectionTableBuilder#ipv6()}
 * for IPv6). Addresses and ports come in as a {@link FlowTuple}; an entry's fields are read
 * by its number through the methods of {@link ConnectionEntries}.
 *
 * <h2>Parts</h2>
 * This class is the facade over package-private parts: fixed-size records in one
 * {@link MemorySegment} ({@code ConnectionRecord}, the layout: 48 bytes for IPv4, 88 for IPv6;
 * 64 and 104 with full-NAT); two open-addressing indexes, client to virtual and, for NAT
 * replies, real server to client or local address ({@code OpenAddressingIndex},
 * {@code ConnectionKeys}), of 4-byte slots, twice as many as the capacity; a timer wheel whose
 * timers live in the records ({@code ExpiryWheel}); IPVS's accounting; a free list; and the
 * entries' life over these ({@code EntryLifecycle}). An IPv4 entry thus costs 48 + 2 x 2 x 4 =
 * 64 bytes and an IPv6 entry 104 ({@link #memoryBytes()}); with full-NAT 80 and 120. A lookup
 * hit reads one index slot (and its neighbours in the same cache line when it probes) and one
 * cache line of the record.
 *
 * <h2>Full-NAT</h2>
 * A full-NAT connection ({@link #insertFullNat}) is found from the client side as any other
 * ({@link #lookup}) and from the real server side by {@link #lookupReply} with the local
 * address and port as the reply's destination. Its local port belongs to the owner (a
 * {@link LocalPortPool}, for example): every port given to {@code insertFullNat} or
 * {@link #restore} comes back exactly once through the {@link FullNatListener} registered at
 * build, on the owning thread, when the entry is freed by expiry or {@link #expireNow}, when
 * {@link #close()} frees the table with the entry still in it, or at once when the insert is
 * refused because the table is full.
 *
 * <h2>Counting</h2>
 * As IPVS: a new connection is bound inactive ({@code ConnectionCounters.bindConnection(true)},
 * because IPVS sets {@code IP_VS_CONN_F_INACTIVE} in every destination's connection flags);
 * a TCP state change to ESTABLISHED activates it, a change away from it deactivates it; UDP
 * connections never change state and so stay counted in InActConn; expiry unbinds with the
 * flag in force. Templates count in PersistConn. A {@linkplain #restore restored} connection
 * counts as its flags say.
 *
 * <h2>Connection sync and restarts</h2>
 * {@link #nextEntry} walks the live entries, connections and templates; {@link #flow},
 * {@link #flags}, {@link #state}, {@link #destination}, {@link #deadline},
 * {@link #controllingTemplate} and {@link #templateTimeoutSeconds} read what a sync record
 * carries. {@link #restore} and {@link #restoreTemplate} insert an entry with its state, flags
 * and remaining time; {@link #update} moves an existing one to a peer's state and timeout.
 *
 * <h2>Threading</h2>
 * Single writer: every method but {@link #requestEntries()}, the statistics getters and
 * {@link #capacity()} must be called on the owning event loop, which calls {@link #expire()}
 * once per loop iteration: it reads the clock, expires due entries and answers pending
 * listing requests. Per-packet methods use the time read by the last {@link #expire()} and
 * never lock, log or allocate. Failure is a return value: {@link #MISS}.
 *
 * <h2>Use on the data path</h2>
 * <pre>{@code
 * table.expire();                                   // once per loop iteration
 * // for each frame the FrameParser accepted, from the client side:
 * int e = table.lookup(flow.fromClient(parser));    // flow: the loop's FlowTuple
 * if (e == ConnectionTable.MISS) {                  // new flow: schedule (templates first)
 *     e = table.insert(flow.server(address, port), destinationId, ForwardingMethod.DIRECT_ROUTE,
 *             ConnectionTable.MISS);
 *     if (e == ConnectionTable.MISS) { drops.increment(DropReason.CONNECTION_TABLE_FULL); continue; }
 * }
 * table.onTcpPacket(e, PacketDirection.INPUT, parser.tcpFlags());   // or onPacket(e) for UDP
 * // forward to table.destination(e)
 * }</pre>
 * {@link #lookupBatch} looks up a whole receive batch with overlapping memory accesses, and a
 * {@link LookupPrefetch} starts the memory reads of a batch's lookups ahead of them, which
 * matters for tables far larger than the CPU caches, as does
 * {@link ConnectionTableBuilder#hugePages}.
 */
public final class ConnectionTable extends ConnectionEntries implements AutoCloseable {

    /** How many lookups a batch overlaps at once; longer batches are cut in pieces. */
    public static final int BATCH = ConnectionKeys.BATCH;
    /** Returned by lookups that find nothing and inserts that are refused. */
    public static final int MISS = -1;
    /** The largest capacity a table accepts. */
    public static final int MAX_CAPACITY = OpenAddressingIndex.MAX_ENTRY + 1;

    /** Flag: the entry is counted in InActConn (IPVS's {@code IP_VS_CONN_F_INACTIVE}). */
    public static final int FLAG_INACTIVE = 0x0001;
    /** Flag: replies are not seen (DR and TUN); the INPUT_ONLY table applies. */
    public static final int FLAG_NO_OUTPUT = 0x0002;
    /** Flag: the entry is a persistence template. */
    public static final int FLAG_TEMPLATE = 0x0004;
    /** Flag: the entry is in the reverse index (NAT). */
    public static final int FLAG_NAT = 0x0008;
    /** Flag: the template was invalidated and no longer matches lookups. */
    public static final int FLAG_INVALIDATED = 0x0010;
    /** Flag: a full-NAT connection; its reverse key is (server, local address and port). */
    public static final int FLAG_FULL_NAT = 0x0020;

    /** Index slots per entry of capacity: the load factor of a full table is 1/2. */
    private static final int SLOTS_PER_ENTRY = 2;
    private static final long SECOND = 1_000_000_000L;
    /** IPVS gives a new connection 3 seconds until its first packet sets a state's timeout. */
    private static final long INITIAL_TIMEOUT = 3 * SECOND;
    private static final int RESTORABLE_FLAGS = FLAG_INACTIVE | FLAG_NO_OUTPUT | FLAG_NAT | FLAG_FULL_NAT;

    private final int capacity;
    private final TableMemory memory;
    private final FloodGuard guard;
    /** The entries of a previous run's file; null for a table in memory. */
    private final TableRecovery recovery;
    private final NanoClock clock;
    private final boolean expireQuiescentTemplate;
    private final FullNatListener fullNatListener;
    private final ConnectionKeys keys;
    private final EntryAllocator allocator;
    private final ConnectionAccounting accounting;
    private final EntryLifecycle lifecycle;
    private final ConnectionListing listing = new ConnectionListing();
    private boolean closed;

    ConnectionTable(ConnectionTableBuilder b) {
        TableMemory mem = new TableMemory(b, SLOTS_PER_ENTRY * b.capacity);
        ConnectionRecord records = new ConnectionRecord(mem.records, mem.spec.addressBytes(), mem.spec.fullNat());
        EntryAllocator entries = new EntryAllocator(records.another(), b.capacity, mem.highWater);
        super(records, entries);
        this.memory = mem;
        this.allocator = entries;
        this.capacity = b.capacity;
        this.clock = b.clock;
        this.expireQuiescentTemplate = b.expireQuiescentTemplate;
        this.fullNatListener = b.fullNatListener;
        this.keys = new ConnectionKeys(records.another(), mem.forward, mem.reverse, SLOTS_PER_ENTRY * capacity,
                b.seed);
        this.accounting = new ConnectionAccounting(b.registry);
        this.lifecycle = new EntryLifecycle(records.another(), keys, allocator, accounting, b,
                mem.arena.allocate(16, 8), clock.nanoTime());
        this.guard = new FloodGuard(b.floodDefense, b.timeouts, records.another(), allocator, capacity, b.seed,
                lifecycle::expireNow);
        lifecycle.guard(guard);
        this.recovery = mem.file == null ? null : new TableRecovery(records.another(), keys, allocator, accounting,
                lifecycle.wheel(), b, mem);
        if (recovery != null && !b.deferRecovery) {
            recoverKept();
        }
    }

    /**
     * Takes over the entries a previous run left in the {@link ConnectionTableBuilder#file} if
     * that was {@linkplain ConnectionTableBuilder#deferRecovery deferred} (see
     * {@code TableRecovery}). Owning thread; once (later calls do nothing).
     *
     * @return the number of entries kept
     */
    public int recoverKept() {
        return recovery == null ? 0 : recovery.recoverOnce(lifecycle.now());
    }

    /** @return whether entries of a previous run wait for {@link #recoverKept()} */
    public boolean recoveryPending() {
        return recovery != null && recovery.pending();
    }

    /**
     * Starts a table description: IPv4, IPVS's default timeouts, a 100 ms wheel tick over
     * 4096 slots, {@code expire_quiescent_template} off.
     *
     * @return a builder
     */
    public static ConnectionTableBuilder builder() {
        return new ConnectionTableBuilder();
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Finds the connection of a client's packet (IPVS's {@code ip_vs_conn_in_get}).
     *
     * @param flow the packet's protocol, client and virtual address and port
     * @return the entry, or {@link #MISS}
     */
    public int lookup(FlowTuple flow) {
        return keys.lookup(flow);
    }

    /**
     * Finds the NAT or full-NAT connection of a real server's reply (IPVS's
     * {@code ip_vs_conn_out_get}), one probe for either.
     *
     * @param reply protocol, server (the reply's source) and client (its destination: the
     *     client, or a full-NAT connection's local address), as {@link FlowTuple#fromServer}
     * @return the entry, or {@link #MISS}
     */
    public int lookupReply(FlowTuple reply) {
        return keys.lookupReply(reply);
    }

    /**
     * Finds a valid persistence template (IPVS's {@code ip_vs_ct_in_get} then
     * {@code ip_vs_check_template}) for the tuple's protocol, client address masked, virtual
     * address and port (a port-zero service passes 0 as the caller chooses). A template whose
     * destination is unavailable, or has weight 0 while {@code expire_quiescent_template} is
     * on, is invalidated: it stops matching and expires on its timer; the caller then
     * schedules afresh.
     *
     * @param flow the tuple (its client port is not read)
     * @param maskBits the persistence netmask as a prefix length (32 or 128: the address)
     * @return the template, or {@link #MISS}
     */
    public int lookupTemplate(FlowTuple flow, int maskBits) {
        int e = keys.lookupTemplate(keys.templateKey(flow, maskBits));
        if (e != MISS && !accounting.templateUsable(destination(e), expireQuiescentTemplate)) {
            lifecycle.invalidate(e);
            return MISS;
        }
        return e;
    }

    /**
     * Looks up several IPv4 connections of one protocol at once, as {@link #lookup} would one
     * by one: the index slots of all keys are read first, then their candidate records, then
     * the keys compared, so that the memory accesses of different lookups overlap.
     *
     * @param protocol the IP protocol number
     * @param clientAddresses the client addresses (high byte first)
     * @param clientPorts the client ports
     * @param virtualAddresses the virtual addresses
     * @param virtualPorts the virtual ports
     * @param offset the first lookup's index in the arrays
     * @param count how many lookups
     * @param results receives the entries from index 0, or {@link #MISS}
     * @throws UnsupportedOperationException on an IPv6 table
     */
    public void lookupBatch(int protocol, int[] clientAddresses, int[] clientPorts, int[] virtualAddresses,
            int[] virtualPorts, int offset, int count, int[] results) {
        if (ipv6()) {
            throw new UnsupportedOperationException("int addresses need an IPv4 table");
        }
        keys.lookupBatch(protocol, clientAddresses, clientPorts, virtualAddresses, virtualPorts, offset, count,
                results);
    }

    ConnectionKeys keys() {
        return keys;
    }

    // ---------------------------------------------------------------- inserts

    /**
     * Inserts a new connection (IPVS's {@code ip_vs_conn_new}) after the scheduler chose its
     * real server; the caller has checked that {@link #lookup} misses. The entry starts in
     * state NONE with 3 seconds to live, counted inactive; feed it the packet that created it
     * with {@link #onTcpPacket} or {@link #onPacket}. When the table is full the flow is
     * refused and counted ({@link #refusedInserts()}); existing entries are untouched.
     *
     * @param flow protocol, client, virtual and server address and port
     * @param destinationId the real server's id in the registry
     * @param forwarding how packets reach the server (NAT entries are also indexed for replies)
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     * @throws IllegalArgumentException for {@link ForwardingMethod#FULL_NAT}, or a tuple of the
     *     other family
     */
    public int insert(FlowTuple flow, int destinationId, ForwardingMethod forwarding, int template) {
        if (forwarding == ForwardingMethod.FULL_NAT) {
            throw new IllegalArgumentException("a full-NAT connection needs insertFullNat");
        }
        sameFamily(flow);
        int flags = FLAG_INACTIVE | (forwarding == ForwardingMethod.MASQUERADE ? FLAG_NAT : FLAG_NO_OUTPUT);
        return lifecycle.add(flow, destinationId, flags, 0, INITIAL_TIMEOUT, template, true);
    }

    /**
     * Inserts a new full-NAT connection (DPVS's FNAT): as {@link #insert} for NAT, but the
     * director talks to the real server from the tuple's local address and port, which key the
     * entry for {@link #lookupReply} instead of the client. The local port comes back through
     * the {@link FullNatListener} (see above). The caller guarantees that no live entry has the
     * same real server and local address and port (a {@link LocalPortPool} per local address
     * and real server does).
     *
     * @param flow protocol, client, virtual, server and local address and port
     * @param destinationId the real server's id in the registry
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     * @throws IllegalStateException if the table was not built with
     *     {@link ConnectionTableBuilder#fullNat}
     */
    public int insertFullNat(FlowTuple flow, int destinationId, int template) {
        fullNatOnly();
        sameFamily(flow);
        return lifecycle.add(flow, destinationId, FLAG_INACTIVE | FLAG_NAT | FLAG_FULL_NAT, 0, INITIAL_TIMEOUT,
                template, true);
    }

    /**
     * Inserts a persistence template: (protocol, client address masked, virtual address and
     * port) to a real server, counted in PersistConn. It lives for the timeout after its last
     * use, and longer while it controls live connections.
     *
     * @param flow protocol, client (its port is not read), virtual and server address and port
     * @param maskBits the persistence netmask as a prefix length
     * @param destinationId the real server's id
     * @param timeoutSeconds the persistence timeout, 1 to 65535 seconds (clamped)
     * @return the template, or {@link #MISS} if the table is full
     */
    public int insertTemplate(FlowTuple flow, int maskBits, int destinationId, int timeoutSeconds) {
        sameFamily(flow);
        int seconds = Math.clamp(timeoutSeconds, 1, 65535);
        return lifecycle.addTemplate(keys.templateKey(flow, maskBits), destinationId, seconds, seconds * SECOND);
    }

    /**
     * Inserts a connection with a state, flags and time to live of its own: one a peer
     * director synced, or one kept across a restart. As for {@link #insert}, the caller has
     * checked that {@link #lookup} misses; unlike it, the entry keeps the given state, counts
     * as active or inactive as {@link #FLAG_INACTIVE} says (IPVS's {@code ip_vs_proc_conn}),
     * and its template, if any, is not re-armed. A full-NAT connection takes the tuple's local
     * address and port, under {@link #insertFullNat}'s contract.
     *
     * @param flow protocol, client, virtual, server (and for full-NAT local) address and port
     * @param destinationId the real server's id in the registry
     * @param flags {@link #FLAG_INACTIVE} or not, and {@link #FLAG_NO_OUTPUT} or nothing (DR,
     *     TUN), {@link #FLAG_NAT} (NAT) or {@link #FLAG_NAT} | {@link #FLAG_FULL_NAT}
     *     (full-NAT): what {@link #flags} gives for a connection
     * @param state the TCP state ({@link TcpState#NONE} for other protocols)
     * @param timeoutNanos the time it has to live, from the last {@link #expire()}
     * @param template the template that controls it, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     * @throws IllegalArgumentException for other flags, a template that is not one, or a tuple
     *     of the other family
     * @throws IllegalStateException for full-NAT in a table without it
     */
    public int restore(FlowTuple flow, int destinationId, int flags, TcpState state, long timeoutNanos,
            int template) {
        sameFamily(flow);
        boolean nat = (flags & FLAG_NAT) != 0;
        if ((flags & ~RESTORABLE_FLAGS) != 0 || nat && (flags & FLAG_NO_OUTPUT) != 0
                || !nat && (flags & FLAG_FULL_NAT) != 0) {
            throw new IllegalArgumentException("not the flags of a connection: 0x" + Integer.toHexString(flags));
        }
        if ((flags & FLAG_FULL_NAT) != 0) {
            fullNatOnly();
        }
        if (template != MISS && (flags(template) & FLAG_TEMPLATE) == 0) {
            throw new IllegalArgumentException("entry " + template + " is not a template");
        }
        return lifecycle.add(flow, destinationId, flags, state.ordinal(), Math.max(timeoutNanos, 1), template, false);
    }

    /**
     * Inserts a persistence template with a time to live of its own (synced, or kept across a
     * restart); the caller has checked that no template has its key. The tuple's client
     * address is taken as it is (masked already).
     *
     * @param flow protocol, client (its port is not read), virtual and server address and port
     * @param destinationId the real server's id
     * @param timeoutSeconds its persistence timeout, 1 to 65535 seconds (clamped)
     * @param timeoutNanos the time it has to live, from the last {@link #expire()}
     * @return the template, or {@link #MISS} if the table is full
     */
    public int restoreTemplate(FlowTuple flow, int destinationId, int timeoutSeconds, long timeoutNanos) {
        sameFamily(flow);
        return lifecycle.addTemplate(keys.templateKey(flow, 128), destinationId, Math.clamp(timeoutSeconds, 1, 65535),
                Math.max(timeoutNanos, 1));
    }

    /**
     * Moves a live entry to a peer's state and time to live, as IPVS's sync receiver does: a
     * TCP connection whose state changes moves between ActiveConn and InActConn as the new
     * state is ESTABLISHED or not; its real server, other flags and template stay.
     *
     * @param entry a live entry
     * @param state the TCP state (not read for templates and other protocols)
     * @param timeoutNanos the time it has to live, from the last {@link #expire()}
     */
    public void update(int entry, TcpState state, long timeoutNanos) {
        lifecycle.update(entry, state.ordinal(), Math.max(timeoutNanos, 1));
    }

    // ---------------------------------------------------------------- state

    /**
     * Feeds a TCP packet of a connection (IPVS's {@code set_tcp_state}): the state moves (by
     * the INPUT_ONLY table while a DR/TUN entry has seen no reply), the connection moves
     * between ActiveConn and InActConn as it enters or leaves ESTABLISHED, and it is re-armed
     * for the new state's timeout.
     *
     * @param entry the connection
     * @param direction which way the packet goes
     * @param tcpFlags the packet's TCP flags byte
     */
    public void onTcpPacket(int entry, PacketDirection direction, int tcpFlags) {
        lifecycle.onTcpPacket(entry, direction, tcpFlags);
    }

    /**
     * Feeds a packet of a UDP (or other non-TCP) connection: re-arms it for the UDP timeout.
     * Its state and counters do not change (it stays in InActConn, as in IPVS).
     *
     * @param entry the connection
     */
    public void onPacket(int entry) {
        lifecycle.onPacket(entry);
    }

    /**
     * Reads the clock, expires every entry whose deadline has passed, and answers pending
     * {@link #requestEntries()} calls. Owning thread only; call once per loop iteration.
     *
     * @return the number of entries removed
     */
    public int expire() {
        int removed = lifecycle.expire(clock.nanoTime());
        if (!recoveryPending()) {
            lifecycle.secure(guard.update(lifecycle.now()));
        }
        listing.answer(this);
        return removed;
    }

    /**
     * Expires an entry at once (IPVS's {@code ip_vs_conn_expire_now}), for example when a new
     * SYN reuses the tuple of a connection in TIME_WAIT. A template that still controls
     * connections is re-armed instead, as in IPVS.
     *
     * @param entry the entry
     * @return true if it was removed
     */
    public boolean expireNow(int entry) {
        return lifecycle.expireNow(entry);
    }

    /**
     * Tells whether a new SYN that matches this connection may start a fresh connection,
     * scheduled anew, after {@link #expireNow(int)} of this one: IPVS's
     * {@code conn_reuse_mode} test. True for a TCP connection not controlled by a template in
     * TIME_WAIT or CLOSE, or, when bit 2 of the mode is set, in FIN_WAIT while no reply was
     * ever seen (DR, TUN).
     *
     * @param entry a connection that the SYN matched
     * @param connReuseMode IPVS's {@code conn_reuse_mode} (1 by default; 0 disables reuse)
     * @return true if the old entry may be expired and the SYN scheduled
     */
    public boolean reusableByNewSyn(int entry, int connReuseMode) {
        ConnectionRecord rec = record().wrap(entry);
        int flags = rec.flags();
        if (connReuseMode == 0 || (flags & FLAG_TEMPLATE) != 0 || rec.control() != 0 || rec.protocol() != 6) {
            return false;
        }
        int state = rec.state();
        return state == TcpState.TIME_WAIT.ordinal() || state == TcpState.CLOSE.ordinal()
                || ((connReuseMode & 2) != 0 && state == TcpState.FIN_WAIT.ordinal()
                        && (flags & FLAG_NO_OUTPUT) != 0);
    }

    /** @return the time read by the last {@link #expire()} */
    public long now() {
        return lifecycle.now();
    }

    // ---------------------------------------------------------------- statistics

    /** @return the hard capacity, templates included */
    public int capacity() {
        return capacity;
    }

    /** @return bytes per record: 48 for IPv4, 88 for IPv6; with full-NAT 64 and 104 */
    public int recordSize() {
        return record().size();
    }

    /** @return whether the table is keyed by IPv6 addresses */
    public boolean ipv6() {
        return record().addressBytes() == 16;
    }

    /** @return whether the kernel took the advice to back the table with transparent huge pages */
    public boolean hugePages() {
        return memory.onHugePages;
    }

    /** @return the file the records live in ({@link ConnectionTableBuilder#file}), or null if in memory */
    public java.nio.file.Path file() {
        return memory.file == null ? null : memory.file.path();
    }

    /** @return entries kept from a previous run's file by {@link #recoverKept()} */
    public int keptEntries() {
        return recovery == null ? 0 : recovery.kept();
    }

    /** @return whether the table holds full-NAT connections ({@link ConnectionTableBuilder#fullNat}) */
    public boolean fullNat() {
        return fullNatListener != null;
    }

    /** @return the off-heap bytes of records and both indexes */
    public long memoryBytes() {
        return memory().byteSize() + memory.forward.byteSize() + memory.reverse.byteSize();
    }

    /** @return live entries and templates; any thread */
    public long size() {
        return allocator.size();
    }

    /** @return entries inserted since creation; any thread */
    public long insertedTotal() {
        return allocator.inserted();
    }

    /** @return new flows refused because the table was full; any thread */
    public long refusedInserts() {
        return allocator.refused();
    }

    /** @return what the {@link ConnectionTableBuilder#floodDefense} does; any thread, allocates */
    public FloodStats floodStats() {
        return new FloodStats(guard.dropActive(), guard.secureActive(), guard.dropped(), guard.activations());
    }

    /** @return entries removed by expiry since creation; any thread */
    public long expiredTotal() {
        return allocator.expired();
    }

    // ---------------------------------------------------------------- listing

    /**
     * Asks for a copy of every entry, as {@code ipvsadm -Lnc} lists them. Any thread; the owning
     * loop makes the copy at its next {@link #expire()}, so that it is consistent.
     *
     * @return a future completed on the owning thread
     */
    public CompletableFuture<List<ConnectionEntry>> requestEntries() {
        return listing.request();
    }

    /** @return a copy of every entry now; owning thread only, allocates (control plane) */
    public List<ConnectionEntry> entries() {
        return ConnectionListing.copy(this);
    }

    private void sameFamily(FlowTuple flow) {
        if (flow.addressBytes() != record().addressBytes()) {
            throw new IllegalArgumentException("an IPv" + flow.ipVersion() + " tuple for an IPv" + (ipv6() ? 6 : 4)
                    + " table");
        }
    }

    private void fullNatOnly() {
        if (fullNatListener == null) {
            throw new IllegalStateException("the table was not built for full-NAT");
        }
    }

    /**
     * Frees the table's memory; no method may be called afterwards. The local port of every
     * full-NAT entry still in the table goes back through the {@link FullNatListener} first.
     * Owning thread; a second call does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lifecycle.releaseLocalPorts();
        } finally {
            memory.close();
        }
    }

    /**
     * Receives the local ports of full-NAT entries as they are freed, so that they go back to
     * their pool ({@link ConnectionTableBuilder#fullNat}). Called on the table's owning thread,
     * from {@link #expire()}, {@link #expireNow}, {@link #close()} or a refused
     * {@link #insertFullNat} or {@link #restore}; it must not call back into the table.
     */
    @FunctionalInterface
    public interface FullNatListener {
        /**
         * A full-NAT entry's local port is free again.
         *
         * @param memory memory holding the local address, valid during the call only
         * @param localAddress offset of the local address (4 or 16 bytes, network order)
         * @param localPort the local port
         * @param destinationId the real server the port was used toward
         */
        void released(MemorySegment memory, long localAddress, int localPort, int destinationId);
    }
}
