package io.lvs4j.core.conn;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.time.NanoClock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * IPVS's connection table, off-heap: entries keyed by (protocol, client address and port,
 * virtual address and port), each bound to a real server (a destination id), with IPVS's TCP
 * state machine, timeouts, ActiveConn/InActConn accounting, persistence templates and expiry
 * by a timer wheel. One table holds one address family ({@link Builder#ipv6()} for IPv6).
 *
 * <h2>Memory layout</h2>
 * Entries live in one {@link MemorySegment} of fixed-size records (native byte order, except
 * addresses, which are kept as the packet's bytes):
 * <pre>
 * offset size field
 *      0    8 deadline (NanoClock time at which the entry expires)
 *      8    4 timer-wheel next entry (-1: none; free list link when unused)
 *     12    4 timer-wheel previous entry (negative: head of bucket -(prev+1))
 *     16    4 destination id (index into the DestinationRegistry)
 *     20    4 control: connection: 1 + its template's entry, 0 if none;
 *                      template: number of connections it controls
 *     24    2 destination port
 *     26    2 template: persistence timeout in seconds (at most 65535);
 *              full-NAT connection: local port
 *     28    4 IPv4: destination (real server) address; IPv6: unused
 *     32    1 protocol
 *     33    1 TCP state (TcpState ordinal)
 *     34    2 flags (in use, inactive, no-output, template, NAT, invalidated)
 *     36    2 client port
 *     38    2 virtual port
 *     40    A client address      (A = 4 for IPv4, 16 for IPv6)
 *   40+A    A virtual address
 *  40+2A   16 IPv6: destination address
 *  48/88    A full-NAT tables only: local address (IPv4 at 48, IPv6 at 88)
 * </pre>
 * Bytes 32 to 47 hold everything a lookup compares for IPv4 (protocol, flags, ports and
 * both addresses); as IPv4 records are 48 bytes from a 64-byte aligned base, every record
 * starts at a multiple of 16 and this key never spans two cache lines. An IPv4 record is 48
 * bytes, an IPv6 record 88; IPv6 keeps the real server address after the key (bytes 72 to
 * 87) and leaves bytes 28 to 31 unused.
 *
 * <p>A table built with {@link Builder#fullNat} also holds full-NAT connections (DPVS's FNAT):
 * the director replaces the client's address and port by one of its local addresses and a
 * local port, so each such record keeps the local port in the bytes a template uses for its
 * timeout and the local address after the rest. Its IPv4 records are 64 bytes (52 would do,
 * but 64 keeps every record in one cache line, so that both the forward and the reverse key
 * of a record are read with one line), its IPv6 records 104. Tables without full-NAT keep the
 * layout above and its sizes; nothing on their paths changes.
 *
 * <p>Two open-addressing indexes (linear probing, backward-shift deletion, no tombstones) map
 * keys to records: the forward index (client to virtual) and the reverse index of NAT entries
 * (real server to client, for replies; for a full-NAT entry real server to local address and
 * port, which is where its replies go). A slot is 4 bytes: the entry number plus 1 in the low
 * 26 bits and 6 bits of the hash as a tag, so that a probe reads a record only when the tag
 * matches. Each index has exactly twice the capacity in slots (load factor 1/2 when full);
 * the home slot is the 32-bit hash scaled to the index size by a multiplication (its high
 * bits choose the slot, its low 6 bits are the tag), so the size need not be a power of two.
 * An IPv4 entry thus costs 48 + 2 x 2 x 4 = 64 bytes and an IPv6 entry 104, whatever the
 * capacity ({@link #memoryBytes()}); in a full-NAT table 80 and 120. A lookup hit reads one index slot (and its neighbours in
 * the same cache line when it probes) and one cache line of the record.
 *
 * <h2>Full-NAT</h2>
 * A full-NAT connection ({@link #insertFullNat}) is found from the client side as any other
 * ({@link #lookup}) and from the real server side by {@link #lookupReply} with the local
 * address and port in place of the client's. Its local port belongs to the owner (a
 * {@link LocalPortPool}, for example): every port given to {@code insertFullNat} comes back
 * exactly once through the {@link FullNatListener} registered at build, on the owning thread,
 * when the entry is freed by expiry or {@link #expireNow}, when {@link #close()} frees the
 * table with the entry still in it, or at once when the insert is refused because the table is
 * full.
 *
 * <h2>Counting</h2>
 * As IPVS: a new connection is bound inactive ({@code ConnectionCounters.bindConnection(true)},
 * because IPVS sets {@code IP_VS_CONN_F_INACTIVE} in every destination's connection flags);
 * a TCP state change to ESTABLISHED activates it, a change away from it deactivates it; UDP
 * connections never change state and so stay counted in InActConn; expiry unbinds with the
 * flag in force. Templates count in PersistConn.
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
 * int e = table.lookup(p.protocol(), p.segment(), p.sourceAddressOffset(), p.sourcePort(),
 *         p.destinationAddressOffset(), p.destinationPort());
 * if (e == ConnectionTable.MISS) {                  // new flow: schedule (templates first)
 *     e = table.insert(..., destinationId, ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
 *     if (e == ConnectionTable.MISS) { drops.increment(DropReason.CONNECTION_TABLE_FULL); continue; }
 * }
 * table.onTcpPacket(e, PacketDirection.INPUT, p.tcpFlags());   // or onPacket(e) for UDP
 * // forward to table.destination(e)
 * }</pre>
 * {@link #lookupBatch} looks up a whole receive batch with overlapping memory accesses, which
 * matters for tables far larger than the CPU caches, as does {@link Builder#hugePages}.
 */
public final class ConnectionTable implements AutoCloseable {

    /** How many lookups a batch overlaps at once; longer batches are cut in pieces. */
    public static final int BATCH = 32;

    /** Returned by lookups that find nothing and inserts that are refused. */
    public static final int MISS = -1;

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
    private static final int FLAG_USED = 0x8000;

    private static final int DEADLINE = 0;
    private static final int NEXT = 8;
    private static final int PREV = 12;
    private static final int DESTINATION = 16;
    private static final int CONTROL = 20;
    private static final int DESTINATION_PORT = 24;
    private static final int TEMPLATE_TIMEOUT = 26;
    /** A full-NAT connection keeps its local port where a template keeps its timeout. */
    private static final int LOCAL_PORT = 26;
    private static final int DESTINATION_ADDRESS_IPV4 = 28;
    /** The lookup key starts here: a multiple of 16, so that an IPv4 key never spans two cache lines. */
    private static final int PROTOCOL = 32;
    private static final int STATE = 33;
    private static final int FLAGS = 34;
    private static final int CLIENT_PORT = 36;
    private static final int VIRTUAL_PORT = 38;
    private static final int CLIENT_ADDRESS = 40;

    private static final int DETACHED = Integer.MIN_VALUE;
    private static final int ENTRY_BITS = 26;
    private static final int ENTRY_MASK = (1 << ENTRY_BITS) - 1;
    private static final int TAG_MASK = (1 << (32 - ENTRY_BITS)) - 1;
    /** Index slots per entry of capacity: the load factor of a full table is 1/2. */
    private static final int SLOTS_PER_ENTRY = 2;
    /** Tables with at least this many bytes of memory ask for huge pages unless told otherwise. */
    static final long HUGE_PAGES_THRESHOLD = 64L << 20;
    /** The largest capacity a table accepts. */
    public static final int MAX_CAPACITY = ENTRY_MASK - 1;
    private static final int KIND_FORWARD = 1;
    private static final int KIND_TEMPLATE = 2;
    private static final int KIND_REVERSE = 3;
    private static final long SECOND = 1_000_000_000L;
    /** IPVS gives a new connection 3 seconds until its first packet sets a state's timeout. */
    private static final long INITIAL_TIMEOUT = 3 * SECOND;

    private static final boolean LITTLE_ENDIAN =
            java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    private static final VarHandle SIZE;
    private static final VarHandle INSERTED;
    private static final VarHandle REFUSED;
    private static final VarHandle EXPIRED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(ConnectionTable.class, "size", long.class);
            INSERTED = lookup.findVarHandle(ConnectionTable.class, "inserted", long.class);
            REFUSED = lookup.findVarHandle(ConnectionTable.class, "refused", long.class);
            EXPIRED = lookup.findVarHandle(ConnectionTable.class, "expired", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int addressBytes;
    private final int recordSize;
    private final int capacity;
    private final Arena arena;
    private final MemorySegment records;
    private final MemorySegment forwardIndex;
    private final MemorySegment reverseIndex;
    private final int indexSlots;
    private final int destinationAddressAt;
    /** Where a full-NAT record keeps its local address; -1 in a table without full-NAT. */
    private final int localAddressAt;
    private final FullNatListener fullNatListener;
    private final boolean onHugePages;
    private final long seed;
    private final NanoClock clock;
    private final DestinationRegistry registry;
    private final ConnectionTimeouts timeouts;
    private final boolean expireQuiescentTemplate;
    private final MemorySegment scratch;
    private final MemorySegment batchKeys;
    private final int[] batchHash = new int[BATCH];
    private final int[] batchSlot = new int[BATCH];
    private int batchSink;
    private final int[] wheel;
    private final int wheelMask;
    private final long tickNanos;
    private final ConcurrentLinkedQueue<CompletableFuture<List<ConnectionEntry>>> listingRequests =
            new ConcurrentLinkedQueue<>();

    private int freeHead = -1;
    private int neverUsed;
    private long currentTick;
    private long now;
    private boolean closed;

    @SuppressWarnings("unused") // accessed through VarHandles
    private long size;
    @SuppressWarnings("unused")
    private long inserted;
    @SuppressWarnings("unused")
    private long refused;
    @SuppressWarnings("unused")
    private long expired;

    private ConnectionTable(Builder b) {
        this.addressBytes = b.ipv6 ? 16 : 4;
        // IPv4 keeps the real server address before the key (in bytes 28-31), IPv6 after it.
        this.destinationAddressAt = addressBytes == 4 ? DESTINATION_ADDRESS_IPV4
                : CLIENT_ADDRESS + 2 * addressBytes;
        int end = Math.max(CLIENT_ADDRESS + 2 * addressBytes, destinationAddressAt + addressBytes);
        this.fullNatListener = b.fullNatListener;
        this.localAddressAt = fullNatListener == null ? -1 : end;
        if (fullNatListener != null) {
            end += addressBytes;
        }
        // A full-NAT IPv4 record (52 bytes) is padded to a whole cache line.
        this.recordSize = fullNatListener != null && addressBytes == 4 ? 64 : (end + 7) & ~7;
        this.capacity = b.capacity;
        this.clock = b.clock;
        this.registry = b.registry;
        this.timeouts = b.timeouts;
        this.expireQuiescentTemplate = b.expireQuiescentTemplate;
        this.seed = b.seed;
        this.tickNanos = b.tickNanos;
        int slots = SLOTS_PER_ENTRY * capacity;
        this.indexSlots = slots;
        long recordBytes = (long) recordSize * capacity;
        boolean huge = b.hugePages != null ? b.hugePages
                : recordBytes >= HUGE_PAGES_THRESHOLD && HugePages.permitted();
        this.arena = Arena.ofShared();
        long align = huge ? HugePages.SIZE : 64;
        this.records = arena.allocate(recordBytes, align);
        this.forwardIndex = arena.allocate((long) slots * 4, align);
        this.reverseIndex = arena.allocate((long) slots * 4, align);
        this.onHugePages = huge && HugePages.advise(records) & HugePages.advise(forwardIndex)
                & HugePages.advise(reverseIndex);
        this.scratch = arena.allocate(64, 8);
        this.batchKeys = arena.allocate(BATCH * 8L, 8);
        this.wheel = new int[b.wheelSize];
        java.util.Arrays.fill(wheel, -1);
        this.wheelMask = b.wheelSize - 1;
        this.now = clock.nanoTime();
        this.currentTick = Math.floorDiv(now, tickNanos);
    }

    /**
     * Starts a table description: IPv4, IPVS's default timeouts, a 100 ms wheel tick over
     * 4096 slots, {@code expire_quiescent_template} off.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Finds the connection of a packet from a client (IPVS's {@code ip_vs_conn_in_get}).
     *
     * @param protocol the IP protocol number
     * @param packet memory holding the addresses (usually the frame)
     * @param clientAddress offset of the client (source) address
     * @param clientPort the client port
     * @param virtualAddress offset of the virtual (destination) address
     * @param virtualPort the virtual port
     * @return the entry, or {@link #MISS}
     */
    public int lookup(int protocol, MemorySegment packet, long clientAddress, int clientPort,
            long virtualAddress, int virtualPort) {
        return find(forwardIndex, KIND_FORWARD, protocol, packet, clientAddress, clientPort, packet,
                virtualAddress, virtualPort);
    }

    /**
     * Finds the connection of an IPv4 packet from a client.
     *
     * @param protocol the IP protocol number
     * @param clientAddress the client address (high byte first, as {@code Ipv4Header} reads it)
     * @param clientPort the client port
     * @param virtualAddress the virtual address
     * @param virtualPort the virtual port
     * @return the entry, or {@link #MISS}
     */
    public int lookup(int protocol, int clientAddress, int clientPort, int virtualAddress,
            int virtualPort) {
        ipv4Only();
        if (LITTLE_ENDIAN) {
            int client = Integer.reverseBytes(clientAddress);
            int virtual = Integer.reverseBytes(virtualAddress);
            return findIpv4(hashIpv4(KIND_FORWARD, protocol, client, clientPort, virtual, virtualPort),
                    protocol, client, clientPort, virtual, virtualPort);
        }
        scratch.set(NetworkOrder.U32, 0, clientAddress);
        scratch.set(NetworkOrder.U32, 4, virtualAddress);
        return find(forwardIndex, KIND_FORWARD, protocol, scratch, 0, clientPort, scratch, 4,
                virtualPort);
    }

    /**
     * Finds the NAT or full-NAT connection of a reply from a real server (IPVS's
     * {@code ip_vs_conn_out_get}): a NAT reply goes to the client, a full-NAT reply to the
     * entry's local address and port; one probe finds either.
     *
     * @param protocol the IP protocol number
     * @param packet memory holding the addresses
     * @param serverAddress offset of the real server (source) address
     * @param serverPort the real server port
     * @param clientAddress offset of the reply's destination address: the client's (NAT) or
     *     the local address (full-NAT)
     * @param clientPort the reply's destination port: the client's or the local port
     * @return the entry, or {@link #MISS}
     */
    public int lookupReply(int protocol, MemorySegment packet, long serverAddress, int serverPort,
            long clientAddress, int clientPort) {
        return find(reverseIndex, KIND_REVERSE, protocol, packet, serverAddress, serverPort, packet,
                clientAddress, clientPort);
    }

    /**
     * Finds the NAT or full-NAT connection of an IPv4 reply from a real server.
     *
     * @param protocol the IP protocol number
     * @param serverAddress the real server address
     * @param serverPort the real server port
     * @param clientAddress the reply's destination: the client (NAT) or local address (full-NAT)
     * @param clientPort the reply's destination port: the client's or the local port
     * @return the entry, or {@link #MISS}
     */
    public int lookupReply(int protocol, int serverAddress, int serverPort, int clientAddress,
            int clientPort) {
        ipv4Only();
        scratch.set(NetworkOrder.U32, 0, serverAddress);
        scratch.set(NetworkOrder.U32, 4, clientAddress);
        return find(reverseIndex, KIND_REVERSE, protocol, scratch, 0, serverPort, scratch, 4,
                clientPort);
    }

    /**
     * Finds a valid persistence template (IPVS's {@code ip_vs_ct_in_get} then
     * {@code ip_vs_check_template}). A template whose destination is unavailable, or has
     * weight 0 while {@code expire_quiescent_template} is on, is invalidated: it stops
     * matching and expires on its timer; the caller then schedules afresh.
     *
     * @param protocol the protocol of the template (0 for a port-zero service, as the
     *     caller chooses)
     * @param packet memory holding the addresses
     * @param clientAddress offset of the client address, masked here
     * @param maskBits the persistence netmask as a prefix length (32 or 128: the address)
     * @param virtualAddress offset of the virtual address
     * @param virtualPort the virtual port, 0 for a port-zero service
     * @return the template, or {@link #MISS}
     */
    public int lookupTemplate(int protocol, MemorySegment packet, long clientAddress, int maskBits,
            long virtualAddress, int virtualPort) {
        mask(packet, clientAddress, maskBits);
        int e = find(forwardIndex, KIND_TEMPLATE, protocol, scratch, 0, 0, packet, virtualAddress,
                virtualPort);
        if (e == MISS) {
            return MISS;
        }
        int destination = destination(e);
        if (!registry.available(destination)
                || (expireQuiescentTemplate && registry.weight(destination) == 0)) {
            invalidate(e);
            return MISS;
        }
        return e;
    }

    /**
     * Looks up several connections at once, the way a loop handles a batch of received
     * frames: the index slots of all keys are read first, then their candidate records, then
     * the keys compared, so that the memory accesses of different lookups overlap instead of
     * waiting for each other. Results are those {@link #lookup(int, MemorySegment, long, int,
     * long, int)} would give one by one.
     *
     * @param protocols the IP protocol number of each lookup
     * @param packets memory holding all addresses (a receive ring, for example)
     * @param clientAddresses offsets of the client addresses
     * @param clientPorts the client ports
     * @param virtualAddresses offsets of the virtual addresses
     * @param virtualPorts the virtual ports
     * @param count how many lookups, from index 0 of each array
     * @param results receives the entries, or {@link #MISS}
     */
    public void lookupBatch(int[] protocols, MemorySegment packets, long[] clientAddresses,
            int[] clientPorts, long[] virtualAddresses, int[] virtualPorts, int count, int[] results) {
        for (int from = 0; from < count; from += BATCH) {
            int n = Math.min(BATCH, count - from);
            for (int i = 0; i < n; i++) {
                int k = from + i;
                batchHash[i] = hash(KIND_FORWARD, protocols[k], packets, clientAddresses[k],
                        clientPorts[k], packets, virtualAddresses[k], virtualPorts[k]);
            }
            touchCandidates(n);
            for (int i = 0; i < n; i++) {
                int k = from + i;
                results[k] = find(forwardIndex, KIND_FORWARD, batchHash[i], protocols[k], packets,
                        clientAddresses[k], clientPorts[k], packets, virtualAddresses[k], virtualPorts[k]);
            }
        }
    }

    /**
     * Looks up several IPv4 connections of one protocol at once, overlapping their memory
     * accesses as {@link #lookupBatch(int[], MemorySegment, long[], int[], long[], int[], int,
     * int[])} does.
     *
     * @param protocol the IP protocol number
     * @param clientAddresses the client addresses
     * @param clientPorts the client ports
     * @param virtualAddresses the virtual addresses
     * @param virtualPorts the virtual ports
     * @param offset the first lookup's index in the arrays
     * @param count how many lookups
     * @param results receives the entries from index 0, or {@link #MISS}
     */
    public void lookupBatch(int protocol, int[] clientAddresses, int[] clientPorts,
            int[] virtualAddresses, int[] virtualPorts, int offset, int count, int[] results) {
        ipv4Only();
        for (int from = 0; from < count; from += BATCH) {
            int n = Math.min(BATCH, count - from);
            if (LITTLE_ENDIAN) {
                for (int i = 0; i < n; i++) {
                    int k = offset + from + i;
                    batchHash[i] = hashIpv4(KIND_FORWARD, protocol,
                            Integer.reverseBytes(clientAddresses[k]), clientPorts[k],
                            Integer.reverseBytes(virtualAddresses[k]), virtualPorts[k]);
                }
                touchCandidates(n);
                for (int i = 0; i < n; i++) {
                    int k = offset + from + i;
                    results[from + i] = findIpv4(batchHash[i], protocol,
                            Integer.reverseBytes(clientAddresses[k]), clientPorts[k],
                            Integer.reverseBytes(virtualAddresses[k]), virtualPorts[k]);
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                int k = offset + from + i;
                batchKeys.set(NetworkOrder.U32, i * 8L, clientAddresses[k]);
                batchKeys.set(NetworkOrder.U32, i * 8L + 4, virtualAddresses[k]);
                batchHash[i] = hash(KIND_FORWARD, protocol, batchKeys, i * 8L, clientPorts[k], batchKeys,
                        i * 8L + 4, virtualPorts[k]);
            }
            touchCandidates(n);
            for (int i = 0; i < n; i++) {
                int k = offset + from + i;
                results[from + i] = find(forwardIndex, KIND_FORWARD, batchHash[i], protocol, batchKeys, i * 8L,
                        clientPorts[k], batchKeys, i * 8L + 4, virtualPorts[k]);
            }
        }
    }

    /** Loads the index slots, then the candidate records, each in a tight loop of independent loads. */
    private void touchCandidates(int n) {
        for (int i = 0; i < n; i++) {
            batchSlot[i] = forwardIndex.getAtIndex(INT, home(batchHash[i]));
        }
        int sink = 0;
        for (int i = 0; i < n; i++) {
            int slot = batchSlot[i];
            if (slot != 0 && (slot >>> ENTRY_BITS) == (batchHash[i] & TAG_MASK)) {
                sink += records.get(BYTE, (long) ((slot & ENTRY_MASK) - 1) * recordSize + PROTOCOL);
            }
        }
        batchSink = sink;
    }

    private int find(MemorySegment index, int kind, int protocol, MemorySegment as, long a,
            int aPort, MemorySegment bs, long b, int bPort) {
        return find(index, kind, hash(kind, protocol, as, a, aPort, bs, b, bPort), protocol, as, a,
                aPort, bs, b, bPort);
    }

    private int find(MemorySegment index, int kind, int hash, int protocol, MemorySegment as, long a,
            int aPort, MemorySegment bs, long b, int bPort) {
        int tag = hash & TAG_MASK;
        int pos = home(hash);
        while (true) {
            int slot = index.getAtIndex(INT, pos);
            if (slot == 0) {
                return MISS;
            }
            if ((slot >>> ENTRY_BITS) == tag) {
                int e = (slot & ENTRY_MASK) - 1;
                if (matches(e, kind, protocol, as, a, aPort, bs, b, bPort)) {
                    return e;
                }
            }
            pos = following(pos);
        }
    }

    /**
     * The home slot of a hash: its high bits scaled to the index size (multiply and shift, as
     * the size is not a power of two); the low bits are the tag kept in the slot.
     */
    private int home(int hash) {
        return (int) (((hash & 0xFFFF_FFFFL) * indexSlots) >>> 32);
    }

    private int following(int pos) {
        int next = pos + 1;
        return next == indexSlots ? 0 : next;
    }

    /**
     * The forward lookup of an IPv4 key on a little-endian machine, with the addresses as
     * read from memory in native order: two 8-byte loads of the record compare protocol,
     * template flag, ports and both addresses.
     */
    private int findIpv4(int hash, int protocol, int client, int clientPort, int virtual,
            int virtualPort) {
        if (((protocol & ~0xFF) | ((clientPort | virtualPort) & ~0xFFFF)) != 0) {
            return MISS; // no record holds such values
        }
        // Bytes 32-39: protocol, state, flags, client port, virtual port; 40-47: the addresses.
        long head = (long) virtualPort << 48 | (long) clientPort << 32 | protocol;
        long headMask = 0xFFFF_FFFF_0000_00FFL | (long) FLAG_TEMPLATE << 16;
        long addresses = (long) virtual << 32 | (client & 0xFFFF_FFFFL);
        int tag = hash & TAG_MASK;
        int pos = home(hash);
        while (true) {
            int slot = forwardIndex.getAtIndex(INT, pos);
            if (slot == 0) {
                return MISS;
            }
            if ((slot >>> ENTRY_BITS) == tag) {
                int e = (slot & ENTRY_MASK) - 1;
                long r = (long) e * recordSize;
                if ((records.get(LONG, r + PROTOCOL) & headMask) == head
                        && records.get(LONG, r + CLIENT_ADDRESS) == addresses) {
                    return e;
                }
            }
            pos = following(pos);
        }
    }

    private boolean matches(int e, int kind, int protocol, MemorySegment as, long a, int aPort,
            MemorySegment bs, long b, int bPort) {
        long r = (long) e * recordSize;
        // Protocol, state and flags in one load: protocol is the first byte in memory.
        int head = records.get(INT, r + PROTOCOL);
        int flags;
        if (LITTLE_ENDIAN) {
            if ((head & 0xFF) != protocol) {
                return false;
            }
            flags = head >>> 16;
        } else {
            if ((head >>> 24) != protocol) {
                return false;
            }
            flags = head & 0xFFFF;
        }
        long aAt;
        long bAt;
        int aPortAt;
        int bPortAt;
        if (kind == KIND_REVERSE) {
            aAt = r + destinationAddressAt;
            aPortAt = DESTINATION_PORT;
            if ((flags & FLAG_FULL_NAT) != 0) {
                bAt = r + localAddressAt;
                bPortAt = LOCAL_PORT;
            } else {
                bAt = r + CLIENT_ADDRESS;
                bPortAt = CLIENT_PORT;
            }
        } else {
            if (((flags & FLAG_TEMPLATE) != 0) != (kind == KIND_TEMPLATE)) {
                return false;
            }
            aAt = r + CLIENT_ADDRESS;
            aPortAt = CLIENT_PORT;
            bAt = r + CLIENT_ADDRESS + addressBytes;
            bPortAt = VIRTUAL_PORT;
        }
        return (records.get(SHORT, r + aPortAt) & 0xFFFF) == aPort
                && (records.get(SHORT, r + bPortAt) & 0xFFFF) == bPort
                && sameAddress(aAt, as, a) && sameAddress(bAt, bs, b);
    }

    private boolean sameAddress(long at, MemorySegment s, long offset) {
        if (addressBytes == 4) {
            return records.get(INT_U, at) == s.get(INT_U, offset);
        }
        return records.get(LONG_U, at) == s.get(LONG_U, offset)
                && records.get(LONG_U, at + 8) == s.get(LONG_U, offset + 8);
    }

    private int hash(int kind, int protocol, MemorySegment as, long a, int aPort,
            MemorySegment bs, long b, int bPort) {
        if (addressBytes == 4) {
            return hashIpv4(kind, protocol, as.get(INT_U, a), aPort, bs.get(INT_U, b), bPort);
        }
        long h = seed ^ ((long) kind << 56 | (long) protocol << 32 | (long) aPort << 16 | bPort);
        h = mix(h ^ as.get(LONG_U, a));
        h = mix(h ^ as.get(LONG_U, a + 8));
        h = mix(h ^ bs.get(LONG_U, b));
        h = mix(h ^ bs.get(LONG_U, b + 8));
        return (int) mix(h);
    }

    /** The IPv4 hash, of addresses read from memory in native order; {@link #hash} agrees. */
    private int hashIpv4(int kind, int protocol, int a, int aPort, int b, int bPort) {
        long h = seed ^ ((long) kind << 56 | (long) protocol << 32 | (long) aPort << 16 | bPort);
        return (int) mix(mix(h ^ ((long) a << 32 | (b & 0xFFFF_FFFFL))));
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }

    private int forwardHash(int e) {
        long r = (long) e * recordSize;
        int flags = records.get(SHORT, r + FLAGS);
        int kind = (flags & FLAG_TEMPLATE) != 0 ? KIND_TEMPLATE : KIND_FORWARD;
        return hash(kind, records.get(BYTE, r + PROTOCOL) & 0xFF, records, r + CLIENT_ADDRESS,
                records.get(SHORT, r + CLIENT_PORT) & 0xFFFF, records, r + CLIENT_ADDRESS + addressBytes,
                records.get(SHORT, r + VIRTUAL_PORT) & 0xFFFF);
    }

    private int reverseHash(int e) {
        long r = (long) e * recordSize;
        boolean full = (records.get(SHORT, r + FLAGS) & FLAG_FULL_NAT) != 0;
        return hash(KIND_REVERSE, records.get(BYTE, r + PROTOCOL) & 0xFF, records,
                r + destinationAddressAt, records.get(SHORT, r + DESTINATION_PORT) & 0xFFFF,
                records, full ? r + localAddressAt : r + CLIENT_ADDRESS,
                records.get(SHORT, r + (full ? LOCAL_PORT : CLIENT_PORT)) & 0xFFFF);
    }

    // ---------------------------------------------------------------- inserts

    /**
     * Inserts a new connection (IPVS's {@code ip_vs_conn_new}) after the scheduler chose its
     * real server; the caller has checked that {@link #lookup} misses. The entry starts in
     * state NONE with 3 seconds to live, counted inactive; feed it the packet that created it with
     * {@link #onTcpPacket} or {@link #onPacket}. When the table is full the flow is refused
     * and counted ({@link #refusedInserts()}); existing entries are untouched.
     *
     * @param protocol the IP protocol number
     * @param packet memory holding the client and virtual addresses
     * @param clientAddress offset of the client address
     * @param clientPort the client port
     * @param virtualAddress offset of the virtual address
     * @param virtualPort the virtual port
     * @param server memory holding the real server address
     * @param serverAddress offset of the real server address
     * @param serverPort the real server port
     * @param destinationId the real server's id in the registry
     * @param forwarding how packets reach the server: NAT entries are also indexed for replies;
     *     full-NAT entries are inserted with {@link #insertFullNat} instead
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     * @throws IllegalArgumentException for {@link ForwardingMethod#FULL_NAT}
     */
    public int insert(int protocol, MemorySegment packet, long clientAddress, int clientPort,
            long virtualAddress, int virtualPort, MemorySegment server, long serverAddress,
            int serverPort, int destinationId, ForwardingMethod forwarding, int template) {
        if (forwarding == ForwardingMethod.FULL_NAT) {
            throw new IllegalArgumentException("a full-NAT connection needs insertFullNat");
        }
        int e = allocate();
        if (e == MISS) {
            return MISS;
        }
        boolean nat = forwarding == ForwardingMethod.MASQUERADE;
        int flags = FLAG_USED | FLAG_INACTIVE | (nat ? FLAG_NAT : FLAG_NO_OUTPUT);
        write((long) e * recordSize, protocol, flags, packet, clientAddress, clientPort, packet,
                virtualAddress, virtualPort, server, serverAddress, serverPort, destinationId);
        return bind(e, nat, destinationId, template);
    }

    /**
     * Inserts a new full-NAT connection (DPVS's FNAT): as {@link #insert} for NAT, but the
     * director sends the client's packets to the real server from a local address and port
     * of its own, so the reverse index keys the entry by (real server, local address and port)
     * and {@link #lookupReply} finds it from the real server's replies. The local port is
     * handed back through the table's {@link FullNatListener} when the entry is freed, or at
     * once if the table is full and the insert refused. The caller guarantees that no live
     * entry has the same real server address and port, local address and port (a
     * {@link LocalPortPool} per local address and real server does). Owning thread only.
     *
     * @param protocol the IP protocol number
     * @param packet memory holding the client and virtual addresses
     * @param clientAddress offset of the client address
     * @param clientPort the client port
     * @param virtualAddress offset of the virtual address
     * @param virtualPort the virtual port
     * @param server memory holding the real server address
     * @param serverAddress offset of the real server address
     * @param serverPort the real server port
     * @param destinationId the real server's id in the registry
     * @param local memory holding the local address
     * @param localAddress offset of the local address
     * @param localPort the local port
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     * @throws IllegalStateException if the table was not built with {@link Builder#fullNat}
     */
    public int insertFullNat(int protocol, MemorySegment packet, long clientAddress, int clientPort,
            long virtualAddress, int virtualPort, MemorySegment server, long serverAddress,
            int serverPort, int destinationId, MemorySegment local, long localAddress, int localPort,
            int template) {
        if (fullNatListener == null) {
            throw new IllegalStateException("the table was not built for full-NAT");
        }
        int e = allocate();
        if (e == MISS) {
            fullNatListener.released(local, localAddress, localPort, destinationId);
            return MISS;
        }
        long r = (long) e * recordSize;
        write(r, protocol, FLAG_USED | FLAG_INACTIVE | FLAG_NAT | FLAG_FULL_NAT, packet, clientAddress,
                clientPort, packet, virtualAddress, virtualPort, server, serverAddress, serverPort,
                destinationId);
        records.set(SHORT, r + LOCAL_PORT, (short) localPort);
        if (addressBytes == 4) {
            records.set(INT_U, r + localAddressAt, local.get(INT_U, localAddress));
        } else {
            MemorySegment.copy(local, localAddress, records, r + localAddressAt, addressBytes);
        }
        return bind(e, true, destinationId, template);
    }

    /**
     * Inserts a new IPv4 full-NAT connection, as {@link #insertFullNat(int, MemorySegment, long,
     * int, long, int, MemorySegment, long, int, int, MemorySegment, long, int, int)}.
     *
     * @param protocol the IP protocol number
     * @param clientAddress the client address
     * @param clientPort the client port
     * @param virtualAddress the virtual address
     * @param virtualPort the virtual port
     * @param serverAddress the real server address
     * @param serverPort the real server port
     * @param destinationId the real server's id in the registry
     * @param localAddress the local address
     * @param localPort the local port
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     */
    public int insertFullNat(int protocol, int clientAddress, int clientPort, int virtualAddress,
            int virtualPort, int serverAddress, int serverPort, int destinationId, int localAddress,
            int localPort, int template) {
        ipv4Only();
        scratch.set(NetworkOrder.U32, 0, clientAddress);
        scratch.set(NetworkOrder.U32, 4, virtualAddress);
        scratch.set(NetworkOrder.U32, 8, serverAddress);
        scratch.set(NetworkOrder.U32, 12, localAddress);
        return insertFullNat(protocol, scratch, 0, clientPort, 4, virtualPort, scratch, 8, serverPort,
                destinationId, scratch, 12, localPort, template);
    }

    /** Indexes, arms and counts a connection whose record is written. */
    private int bind(int e, boolean nat, int destinationId, int template) {
        long r = (long) e * recordSize;
        records.set(INT, r + CONTROL, template == MISS ? 0 : template + 1);
        records.set(LONG, r + DEADLINE, now + INITIAL_TIMEOUT);
        indexInsert(forwardIndex, forwardHash(e), e);
        if (nat) {
            indexInsert(reverseIndex, reverseHash(e), e);
        }
        link(e);
        ConnectionCounters counters = registry.counters(destinationId);
        if (counters != null) {
            counters.bindConnection(true);
        }
        if (template != MISS) {
            long t = (long) template * recordSize;
            records.set(INT, t + CONTROL, records.get(INT, t + CONTROL) + 1);
            refresh(template, templateTimeout(t));
        }
        return e;
    }

    /**
     * Inserts a new IPv4 connection.
     *
     * @param protocol the IP protocol number
     * @param clientAddress the client address
     * @param clientPort the client port
     * @param virtualAddress the virtual address
     * @param virtualPort the virtual port
     * @param serverAddress the real server address
     * @param serverPort the real server port
     * @param destinationId the real server's id in the registry
     * @param forwarding how packets reach the server
     * @param template the template that chose the server, or {@link #MISS}
     * @return the new entry, or {@link #MISS} if the table is full
     */
    public int insert(int protocol, int clientAddress, int clientPort, int virtualAddress,
            int virtualPort, int serverAddress, int serverPort, int destinationId,
            ForwardingMethod forwarding, int template) {
        ipv4Only();
        scratch.set(NetworkOrder.U32, 0, clientAddress);
        scratch.set(NetworkOrder.U32, 4, virtualAddress);
        scratch.set(NetworkOrder.U32, 8, serverAddress);
        return insert(protocol, scratch, 0, clientPort, 4, virtualPort, scratch, 8, serverPort,
                destinationId, forwarding, template);
    }

    /**
     * Inserts a persistence template: (protocol, client address masked, virtual address and
     * port) to a real server, counted in the server's PersistConn. It lives for the timeout
     * after its last use and longer while it controls live connections.
     *
     * @param protocol the protocol of the template
     * @param packet memory holding the client and virtual addresses
     * @param clientAddress offset of the client address, masked here
     * @param maskBits the persistence netmask as a prefix length
     * @param virtualAddress offset of the virtual address
     * @param virtualPort the virtual port, 0 for a port-zero service
     * @param server memory holding the real server address
     * @param serverAddress offset of the real server address
     * @param serverPort the real server port
     * @param destinationId the real server's id
     * @param timeoutSeconds the persistence timeout, 1 to 65535 seconds (clamped)
     * @return the template, or {@link #MISS} if the table is full
     */
    public int insertTemplate(int protocol, MemorySegment packet, long clientAddress, int maskBits,
            long virtualAddress, int virtualPort, MemorySegment server, long serverAddress,
            int serverPort, int destinationId, int timeoutSeconds) {
        mask(packet, clientAddress, maskBits);
        int e = allocate();
        if (e == MISS) {
            return MISS;
        }
        long r = (long) e * recordSize;
        write(r, protocol, FLAG_USED | FLAG_TEMPLATE, scratch, 0, 0, packet, virtualAddress,
                virtualPort, server, serverAddress, serverPort, destinationId);
        records.set(INT, r + CONTROL, 0);
        int seconds = Math.clamp(timeoutSeconds, 1, 65535);
        records.set(SHORT, r + TEMPLATE_TIMEOUT, (short) seconds);
        records.set(LONG, r + DEADLINE, now + seconds * SECOND);
        indexInsert(forwardIndex, forwardHash(e), e);
        link(e);
        ConnectionCounters counters = registry.counters(destinationId);
        if (counters != null) {
            counters.bindTemplate();
        }
        return e;
    }

    private void write(long r, int protocol, int flags, MemorySegment cs, long c, int cPort,
            MemorySegment vs, long v, int vPort, MemorySegment ds, long d, int dPort, int destinationId) {
        records.set(BYTE, r + PROTOCOL, (byte) protocol);
        records.set(BYTE, r + STATE, (byte) 0);
        records.set(SHORT, r + FLAGS, (short) flags);
        records.set(SHORT, r + CLIENT_PORT, (short) cPort);
        records.set(SHORT, r + VIRTUAL_PORT, (short) vPort);
        records.set(SHORT, r + DESTINATION_PORT, (short) dPort);
        records.set(SHORT, r + TEMPLATE_TIMEOUT, (short) 0);
        records.set(INT, r + DESTINATION, destinationId);
        if (addressBytes == 4) {
            records.set(INT_U, r + CLIENT_ADDRESS, cs.get(INT_U, c));
            records.set(INT_U, r + CLIENT_ADDRESS + 4, vs.get(INT_U, v));
            records.set(INT_U, r + DESTINATION_ADDRESS_IPV4, ds.get(INT_U, d));
        } else {
            MemorySegment.copy(cs, c, records, r + CLIENT_ADDRESS, addressBytes);
            MemorySegment.copy(vs, v, records, r + CLIENT_ADDRESS + addressBytes, addressBytes);
            MemorySegment.copy(ds, d, records, r + destinationAddressAt, addressBytes);
        }
    }

    private void mask(MemorySegment packet, long address, int maskBits) {
        if (addressBytes == 4) {
            int mask = maskBits <= 0 ? 0 : maskBits >= 32 ? -1 : -1 << (32 - maskBits);
            scratch.set(NetworkOrder.U32, 0, packet.get(NetworkOrder.U32, address) & mask);
        } else {
            long high = maskBits <= 0 ? 0 : maskBits >= 64 ? -1L : -1L << (64 - maskBits);
            long low = maskBits <= 64 ? 0 : maskBits >= 128 ? -1L : -1L << (128 - maskBits);
            scratch.set(NetworkOrder.U64, 0, packet.get(NetworkOrder.U64, address) & high);
            scratch.set(NetworkOrder.U64, 8, packet.get(NetworkOrder.U64, address + 8) & low);
        }
    }

    private int allocate() {
        int e;
        if (freeHead != -1) {
            e = freeHead;
            freeHead = records.get(INT, (long) e * recordSize + NEXT);
        } else if (neverUsed < capacity) {
            e = neverUsed++;
        } else {
            REFUSED.setOpaque(this, (long) REFUSED.getOpaque(this) + 1);
            return MISS;
        }
        SIZE.setOpaque(this, (long) SIZE.getOpaque(this) + 1);
        INSERTED.setOpaque(this, (long) INSERTED.getOpaque(this) + 1);
        return e;
    }

    private void release(int e) {
        long r = (long) e * recordSize;
        records.set(SHORT, r + FLAGS, (short) 0);
        records.set(INT, r + NEXT, freeHead);
        freeHead = e;
        SIZE.setOpaque(this, (long) SIZE.getOpaque(this) - 1);
    }

    // ---------------------------------------------------------------- index

    private void indexInsert(MemorySegment index, int hash, int e) {
        int pos = home(hash);
        while (index.getAtIndex(INT, pos) != 0) {
            pos = following(pos);
        }
        index.setAtIndex(INT, pos, (hash & TAG_MASK) << ENTRY_BITS | (e + 1));
    }

    private void indexRemove(MemorySegment index, int hash, int e, boolean reverse) {
        int hole = home(hash);
        while (true) {
            int slot = index.getAtIndex(INT, hole);
            if (slot == 0) {
                return;
            }
            if ((slot & ENTRY_MASK) == e + 1) {
                break;
            }
            hole = following(hole);
        }
        int j = hole;
        while (true) {
            j = following(j);
            int slot = index.getAtIndex(INT, j);
            if (slot == 0) {
                break;
            }
            int other = (slot & ENTRY_MASK) - 1;
            int home = home(reverse ? reverseHash(other) : forwardHash(other));
            boolean movable = j > hole ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                index.setAtIndex(INT, hole, slot);
                hole = j;
            }
        }
        index.setAtIndex(INT, hole, 0);
    }

    private void invalidate(int e) {
        long r = (long) e * recordSize;
        int flags = records.get(SHORT, r + FLAGS);
        if ((flags & FLAG_INVALIDATED) == 0) {
            indexRemove(forwardIndex, forwardHash(e), e, false);
            records.set(SHORT, r + FLAGS, (short) (flags | FLAG_INVALIDATED));
        }
    }

    // ---------------------------------------------------------------- state

    /**
     * Feeds a TCP packet of a connection: IPVS's {@code set_tcp_state}. Chooses the table
     * (INPUT_ONLY while no reply was seen for DR/TUN entries; a reply clears that), moves the
     * state, moves the connection between ActiveConn and InActConn when it enters or leaves
     * ESTABLISHED, and re-arms the entry for the new state's timeout.
     *
     * @param entry the connection
     * @param direction which way the packet goes
     * @param tcpFlags the packet's TCP flags byte
     */
    public void onTcpPacket(int entry, PacketDirection direction, int tcpFlags) {
        long r = (long) entry * recordSize;
        int flags = records.get(SHORT, r + FLAGS);
        int table;
        if ((flags & FLAG_NO_OUTPUT) != 0) {
            if (direction == PacketDirection.OUTPUT) {
                flags &= ~FLAG_NO_OUTPUT;
                table = TcpStateMachine.OUTPUT;
            } else {
                table = TcpStateMachine.INPUT_ONLY;
            }
        } else {
            table = direction == PacketDirection.INPUT ? TcpStateMachine.INPUT : TcpStateMachine.OUTPUT;
        }
        int old = records.get(BYTE, r + STATE);
        int next = TcpStateMachine.next(table, tcpFlags, old);
        if (next != old) {
            ConnectionCounters counters = registry.counters(records.get(INT, r + DESTINATION));
            if (counters != null) {
                boolean established = next == TcpState.ESTABLISHED.ordinal();
                if ((flags & FLAG_INACTIVE) == 0 && !established) {
                    counters.deactivate();
                    flags |= FLAG_INACTIVE;
                } else if ((flags & FLAG_INACTIVE) != 0 && established) {
                    counters.activate();
                    flags &= ~FLAG_INACTIVE;
                }
            }
            records.set(BYTE, r + STATE, (byte) next);
        }
        records.set(SHORT, r + FLAGS, (short) flags);
        refresh(entry, timeouts.tcpNanos(next));
    }

    /**
     * Feeds a packet of a UDP (or other non-TCP) connection: re-arms it for the UDP timeout.
     * Its state and counters do not change (it stays in InActConn, as in IPVS).
     *
     * @param entry the connection
     */
    public void onPacket(int entry) {
        refresh(entry, timeouts.udpNanos());
    }

    private void refresh(int e, long timeout) {
        long r = (long) e * recordSize;
        long deadline = now + timeout;
        long old = records.get(LONG, r + DEADLINE);
        records.set(LONG, r + DEADLINE, deadline);
        if (deadline < old) {
            unlink(e);
            link(e);
        }
    }

    private long templateTimeout(long r) {
        return (records.get(SHORT, r + TEMPLATE_TIMEOUT) & 0xFFFF) * SECOND;
    }

    // ---------------------------------------------------------------- timer wheel

    private long bucketTick(long deadline) {
        return Math.floorDiv(deadline + tickNanos - 1, tickNanos);
    }

    private void link(int e) {
        long r = (long) e * recordSize;
        int bucket = (int) (bucketTick(records.get(LONG, r + DEADLINE)) & wheelMask);
        int head = wheel[bucket];
        records.set(INT, r + NEXT, head);
        records.set(INT, r + PREV, -(bucket + 1));
        if (head >= 0) {
            records.set(INT, (long) head * recordSize + PREV, e);
        }
        wheel[bucket] = e;
    }

    private void unlink(int e) {
        long r = (long) e * recordSize;
        int prev = records.get(INT, r + PREV);
        if (prev == DETACHED) {
            return;
        }
        int next = records.get(INT, r + NEXT);
        if (prev < 0) {
            wheel[-prev - 1] = next;
        } else {
            records.set(INT, (long) prev * recordSize + NEXT, next);
        }
        if (next >= 0) {
            records.set(INT, (long) next * recordSize + PREV, prev);
        }
        records.set(INT, r + PREV, DETACHED);
        records.set(INT, r + NEXT, -1);
    }

    /**
     * Reads the clock, expires every entry whose deadline has passed, and answers pending
     * {@link #requestEntries()} calls. Owning thread only; call once per loop iteration.
     *
     * @return the number of entries removed
     */
    public int expire() {
        now = clock.nanoTime();
        long nowTick = Math.floorDiv(now, tickNanos);
        int removed = 0;
        if (nowTick > currentTick) {
            long from = Math.max(currentTick + 1, nowTick - wheel.length + 1);
            for (long t = from; t <= nowTick; t++) {
                removed += fireBucket((int) (t & wheelMask));
            }
            currentTick = nowTick;
        }
        if (!listingRequests.isEmpty()) {
            answerListingRequests();
        }
        return removed;
    }

    private int fireBucket(int bucket) {
        int removed = 0;
        int e = wheel[bucket];
        wheel[bucket] = -1;
        while (e >= 0) {
            long r = (long) e * recordSize;
            int next = records.get(INT, r + NEXT);
            records.set(INT, r + PREV, DETACHED);
            records.set(INT, r + NEXT, -1);
            if (records.get(LONG, r + DEADLINE) <= now) {
                removed += fire(e);
            } else {
                link(e);
            }
            e = next;
        }
        return removed;
    }

    /** Expires an entry whose timer fired (detached from the wheel); returns 1 if removed. */
    private int fire(int e) {
        long r = (long) e * recordSize;
        int flags = records.get(SHORT, r + FLAGS);
        int destination = records.get(INT, r + DESTINATION);
        if ((flags & FLAG_TEMPLATE) != 0) {
            if (records.get(INT, r + CONTROL) > 0) {
                records.set(LONG, r + DEADLINE, now + templateTimeout(r));
                link(e);
                return 0;
            }
            if ((flags & FLAG_INVALIDATED) == 0) {
                indexRemove(forwardIndex, forwardHash(e), e, false);
            }
            ConnectionCounters counters = registry.counters(destination);
            if (counters != null) {
                counters.unbindTemplate();
            }
        } else {
            indexRemove(forwardIndex, forwardHash(e), e, false);
            if ((flags & FLAG_NAT) != 0) {
                indexRemove(reverseIndex, reverseHash(e), e, true);
            }
            int control = records.get(INT, r + CONTROL);
            if (control > 0) {
                long t = (long) (control - 1) * recordSize;
                records.set(INT, t + CONTROL, records.get(INT, t + CONTROL) - 1);
            }
            ConnectionCounters counters = registry.counters(destination);
            if (counters != null) {
                counters.unbindConnection((flags & FLAG_INACTIVE) != 0);
            }
            if ((flags & FLAG_FULL_NAT) != 0) {
                fullNatListener.released(records, r + localAddressAt,
                        records.get(SHORT, r + LOCAL_PORT) & 0xFFFF, destination);
            }
        }
        release(e);
        EXPIRED.setOpaque(this, (long) EXPIRED.getOpaque(this) + 1);
        return 1;
    }

    /**
     * Expires an entry at once (IPVS's {@code ip_vs_conn_expire_now}), for example when a new
     * SYN reuses the tuple of a connection in TIME_WAIT. A template that still controls
     * connections is re-armed instead, as in IPVS. Owning thread only.
     *
     * @param entry the entry
     * @return true if it was removed
     */
    public boolean expireNow(int entry) {
        unlink(entry);
        return fire(entry) == 1;
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
        long r = (long) entry * recordSize;
        int flags = records.get(SHORT, r + FLAGS);
        if (connReuseMode == 0 || (flags & FLAG_TEMPLATE) != 0 || records.get(INT, r + CONTROL) != 0
                || (records.get(BYTE, r + PROTOCOL) & 0xFF) != 6) {
            return false;
        }
        int state = records.get(BYTE, r + STATE);
        return state == TcpState.TIME_WAIT.ordinal() || state == TcpState.CLOSE.ordinal()
                || ((connReuseMode & 2) != 0 && state == TcpState.FIN_WAIT.ordinal()
                        && (flags & FLAG_NO_OUTPUT) != 0);
    }

    // ---------------------------------------------------------------- accessors

    /**
     * Returns an entry's real server id.
     *
     * @param entry the entry
     * @return the destination id
     */
    public int destination(int entry) {
        return records.get(INT, (long) entry * recordSize + DESTINATION);
    }

    /**
     * Returns an entry's TCP state.
     *
     * @param entry the entry
     * @return the state ({@link TcpState#NONE} for other protocols)
     */
    public TcpState state(int entry) {
        return TcpState.ofOrdinal(records.get(BYTE, (long) entry * recordSize + STATE));
    }

    /**
     * Returns an entry's flags.
     *
     * @param entry the entry
     * @return a combination of the {@code FLAG_*} constants
     */
    public int flags(int entry) {
        return records.get(SHORT, (long) entry * recordSize + FLAGS) & 0x7FFF;
    }

    /**
     * Returns when an entry expires.
     *
     * @param entry the entry
     * @return its deadline on the table's clock
     */
    public long deadline(int entry) {
        return records.get(LONG, (long) entry * recordSize + DEADLINE);
    }

    /**
     * Returns the template that controls a connection.
     *
     * @param entry a connection
     * @return the template, or {@link #MISS}
     */
    public int controllingTemplate(int entry) {
        long r = (long) entry * recordSize;
        return (records.get(SHORT, r + FLAGS) & FLAG_TEMPLATE) != 0 ? MISS
                : records.get(INT, r + CONTROL) - 1;
    }

    /**
     * Returns how many connections a template controls.
     *
     * @param template a template
     * @return the count, 0 for a connection
     */
    public int controlledConnections(int template) {
        long r = (long) template * recordSize;
        return (records.get(SHORT, r + FLAGS) & FLAG_TEMPLATE) != 0 ? records.get(INT, r + CONTROL) : 0;
    }

    /**
     * Returns an entry's real server port (for NAT rewrites).
     *
     * @param entry the entry
     * @return the port
     */
    public int destinationPort(int entry) {
        return records.get(SHORT, (long) entry * recordSize + DESTINATION_PORT) & 0xFFFF;
    }

    /**
     * Returns an entry's virtual port (for rewriting NAT replies back).
     *
     * @param entry the entry
     * @return the port
     */
    public int virtualPort(int entry) {
        return records.get(SHORT, (long) entry * recordSize + VIRTUAL_PORT) & 0xFFFF;
    }

    /**
     * Returns an entry's client port.
     *
     * @param entry the entry
     * @return the port
     */
    public int clientPort(int entry) {
        return records.get(SHORT, (long) entry * recordSize + CLIENT_PORT) & 0xFFFF;
    }

    /**
     * Returns the IPv4 real server address of an entry.
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public int destinationAddressIpv4(int entry) {
        return records.get(NetworkOrder.U32, (long) entry * recordSize + DESTINATION_ADDRESS_IPV4);
    }

    /**
     * Returns the IPv4 virtual address of an entry.
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public int virtualAddressIpv4(int entry) {
        return records.get(NetworkOrder.U32, (long) entry * recordSize + CLIENT_ADDRESS + 4);
    }

    /**
     * Returns the IPv4 client address of an entry (for rewriting full-NAT replies).
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public int clientAddressIpv4(int entry) {
        return records.get(NetworkOrder.U32, (long) entry * recordSize + CLIENT_ADDRESS);
    }

    /**
     * Returns a full-NAT entry's local port.
     *
     * @param entry a full-NAT entry ({@link #FLAG_FULL_NAT})
     * @return the port
     */
    public int localPort(int entry) {
        return records.get(SHORT, (long) entry * recordSize + LOCAL_PORT) & 0xFFFF;
    }

    /**
     * Returns a full-NAT entry's IPv4 local address.
     *
     * @param entry a full-NAT entry of an IPv4 table
     * @return the address, high byte first
     * @throws IllegalStateException if the table was not built with {@link Builder#fullNat}
     */
    public int localAddressIpv4(int entry) {
        return records.get(NetworkOrder.U32, localAddressOffset(entry));
    }

    /**
     * Returns the table's memory, so that addresses can be copied out of it without
     * allocating (with {@link #destinationAddressOffset(int)} and friends).
     *
     * @return the records' segment; read it on the owning thread only
     */
    public MemorySegment memory() {
        return records;
    }

    /**
     * Returns where an entry's real server address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public long destinationAddressOffset(int entry) {
        return (long) entry * recordSize + destinationAddressAt;
    }

    /**
     * Returns where an entry's client address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public long clientAddressOffset(int entry) {
        return (long) entry * recordSize + CLIENT_ADDRESS;
    }

    /**
     * Returns where a full-NAT entry's local address lies in {@link #memory()}.
     *
     * @param entry a full-NAT entry ({@link #FLAG_FULL_NAT})
     * @return the offset of 4 or 16 address bytes
     * @throws IllegalStateException if the table was not built with {@link Builder#fullNat}
     */
    public long localAddressOffset(int entry) {
        if (localAddressAt < 0) {
            throw new IllegalStateException("the table was not built for full-NAT");
        }
        return (long) entry * recordSize + localAddressAt;
    }

    /**
     * Returns where an entry's virtual address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public long virtualAddressOffset(int entry) {
        return (long) entry * recordSize + CLIENT_ADDRESS + addressBytes;
    }

    /** @return the time read by the last {@link #expire()} */
    public long now() {
        return now;
    }

    // ---------------------------------------------------------------- statistics

    /** @return the hard capacity, templates included */
    public int capacity() {
        return capacity;
    }

    /** @return bytes per record: 48 for IPv4, 88 for IPv6; with full-NAT 64 and 104 */
    public int recordSize() {
        return recordSize;
    }

    /**
     * Tells whether the kernel accepted the advice to back the table with transparent huge
     * pages (see {@link Builder#hugePages(boolean)}).
     *
     * @return true if the memory was advised
     */
    public boolean hugePages() {
        return onHugePages;
    }

    /** @return whether the table holds full-NAT connections ({@link Builder#fullNat}) */
    public boolean fullNat() {
        return fullNatListener != null;
    }

    /** @return the off-heap bytes of records and both indexes */
    public long memoryBytes() {
        return records.byteSize() + forwardIndex.byteSize() + reverseIndex.byteSize();
    }

    /** @return live entries and templates; any thread */
    public long size() {
        return (long) SIZE.getOpaque(this);
    }

    /** @return entries inserted since creation; any thread */
    public long insertedTotal() {
        return (long) INSERTED.getOpaque(this);
    }

    /** @return new flows refused because the table was full; any thread */
    public long refusedInserts() {
        return (long) REFUSED.getOpaque(this);
    }

    /** @return entries removed by expiry since creation; any thread */
    public long expiredTotal() {
        return (long) EXPIRED.getOpaque(this);
    }

    // ---------------------------------------------------------------- listing

    /**
     * Asks for a copy of every entry, the way {@code ipvsadm -Lnc} lists them. Any thread; the
     * owning loop fills the list at its next {@link #expire()}, so the copy is consistent.
     *
     * @return a future completed on the owning thread
     */
    public CompletableFuture<List<ConnectionEntry>> requestEntries() {
        CompletableFuture<List<ConnectionEntry>> future = new CompletableFuture<>();
        listingRequests.add(future);
        return future;
    }

    /**
     * Copies every entry now. Owning thread only; allocates (control plane).
     *
     * @return the entries
     */
    public List<ConnectionEntry> entries() {
        List<ConnectionEntry> out = new ArrayList<>();
        for (int e = 0; e < neverUsed; e++) {
            long r = (long) e * recordSize;
            int flags = records.get(SHORT, r + FLAGS);
            if ((flags & FLAG_USED) == 0) {
                continue;
            }
            boolean template = (flags & FLAG_TEMPLATE) != 0;
            out.add(new ConnectionEntry(records.get(BYTE, r + PROTOCOL) & 0xFF,
                    address(r + CLIENT_ADDRESS), clientPort(e),
                    address(r + CLIENT_ADDRESS + addressBytes), virtualPort(e),
                    address(r + destinationAddressAt), destinationPort(e),
                    destination(e), state(e), deadline(e) - now, template,
                    template ? records.get(INT, r + CONTROL) : 0));
        }
        return out;
    }

    private void answerListingRequests() {
        CompletableFuture<List<ConnectionEntry>> request;
        List<ConnectionEntry> listing = null;
        while ((request = listingRequests.poll()) != null) {
            if (listing == null) {
                listing = List.copyOf(entries());
            }
            request.complete(listing);
        }
    }

    private InetAddress address(long at) {
        byte[] bytes = records.asSlice(at, addressBytes).toArray(ValueLayout.JAVA_BYTE);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ipv4Only() {
        if (addressBytes != 4) {
            throw new UnsupportedOperationException("int addresses need an IPv4 table");
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
            if (fullNatListener != null) {
                for (int e = 0; e < neverUsed; e++) {
                    long r = (long) e * recordSize;
                    int flags = records.get(SHORT, r + FLAGS);
                    if ((flags & FLAG_USED) != 0 && (flags & FLAG_FULL_NAT) != 0) {
                        fullNatListener.released(records, r + localAddressAt,
                                records.get(SHORT, r + LOCAL_PORT) & 0xFFFF, destination(e));
                    }
                }
            }
        } finally {
            arena.close();
        }
    }

    /**
     * Receives the local ports of full-NAT entries as they are freed, so that they go back to
     * their pool ({@link Builder#fullNat}). Called on the table's owning thread, from
     * {@link ConnectionTable#expire()}, {@link ConnectionTable#expireNow}, {@link ConnectionTable#close()}
     * or a refused {@link ConnectionTable#insertFullNat}; it must not call back into the table.
     */
    @FunctionalInterface
    public interface FullNatListener {
        /**
         * A full-NAT entry's local port is free again.
         *
         * @param memory memory holding the local address, valid during the call only (the
         *     table's records, or the memory given to a refused insert)
         * @param localAddress offset of the local address (4 or 16 bytes, network order)
         * @param localPort the local port
         * @param destinationId the real server the port was used toward
         */
        void released(MemorySegment memory, long localAddress, int localPort, int destinationId);
    }

    /** Describes a table; not thread-safe. */
    public static final class Builder {
        private boolean ipv6;
        private int capacity = 1 << 16;
        private NanoClock clock = NanoClock.SYSTEM;
        private DestinationRegistry registry;
        private ConnectionTimeouts timeouts = ConnectionTimeouts.DEFAULTS;
        private long tickNanos = 100_000_000L;
        private int wheelSize = 4096;
        private boolean expireQuiescentTemplate;
        private long seed = new SplittableRandom().nextLong();
        private Boolean hugePages;
        private FullNatListener fullNatListener;

        private Builder() {
        }

        /**
         * Keys the table by IPv6 addresses.
         *
         * @return this
         */
        public Builder ipv6() {
            this.ipv6 = true;
            return this;
        }

        /**
         * Sets the hard capacity (connections plus templates).
         *
         * @param entries 1 to {@link #MAX_CAPACITY}
         * @return this
         */
        public Builder capacity(int entries) {
            if (entries < 1 || entries > MAX_CAPACITY) {
                throw new IllegalArgumentException("capacity out of range 1-" + MAX_CAPACITY + ": " + entries);
            }
            this.capacity = entries;
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param value the clock
         * @return this
         */
        public Builder clock(NanoClock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets the registry that resolves destination ids to counters (required).
         *
         * @param value the registry
         * @return this
         */
        public Builder registry(DestinationRegistry value) {
            this.registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /**
         * Sets the timeouts.
         *
         * @param value the timeouts
         * @return this
         */
        public Builder timeouts(ConnectionTimeouts value) {
            this.timeouts = Objects.requireNonNull(value, "timeouts");
            return this;
        }

        /**
         * Sets the timer wheel: its tick (expiry precision) and number of slots (a power of two).
         *
         * @param tick the tick
         * @param slots the number of slots
         * @return this
         */
        public Builder wheel(Duration tick, int slots) {
            if (tick.isNegative() || tick.isZero() || Integer.bitCount(slots) != 1) {
                throw new IllegalArgumentException("tick must be positive and slots a power of two");
            }
            this.tickNanos = tick.toNanos();
            this.wheelSize = slots;
            return this;
        }

        /**
         * Sets IPVS's {@code expire_quiescent_template}: templates to a weight-0 server stop
         * matching.
         *
         * @param value true to expire them
         * @return this
         */
        public Builder expireQuiescentTemplate(boolean value) {
            this.expireQuiescentTemplate = value;
            return this;
        }

        /**
         * Decides whether to ask Linux for transparent huge pages ({@code madvise}) over the
         * table's memory, which makes random lookups in large tables much cheaper. By default
         * a table whose records take 64 MiB or more (1.4 million IPv4 entries) asks when the
         * {@code io.lvs4j.core} module has native access ({@code --enable-native-access}), and
         * silently keeps normal pages otherwise. {@code true} asks even without native access
         * (the JVM then warns once); {@code false} never asks. Best effort either way:
         * {@link ConnectionTable#hugePages()} tells whether the kernel took the advice.
         *
         * @param value true to ask, false not to
         * @return this
         */
        public Builder hugePages(boolean value) {
            this.hugePages = value;
            return this;
        }

        /**
         * Lets the table hold full-NAT connections ({@link ConnectionTable#insertFullNat}):
         * records grow by a local address (IPv4 records to 64 bytes, IPv6 to 104), so only
         * tables that need it should ask.
         *
         * @param listener receives every local port back as its entry is freed
         * @return this
         */
        public Builder fullNat(FullNatListener listener) {
            this.fullNatListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the hash seed (random by default, against crafted collisions).
         *
         * @param value the seed
         * @return this
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Allocates the table.
         *
         * @return the table
         */
        public ConnectionTable build() {
            if (registry == null) {
                throw new IllegalStateException("a DestinationRegistry is required");
            }
            return new ConnectionTable(this);
        }
    }
}
