package io.lvs4j.core.conn;

import io.lvs4j.core.packet.NetworkOrder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The keys of the connection table and its two {@link OpenAddressingIndex}es: the forward
 * index maps (protocol, client address and port, virtual address and port) to connections,
 * and the same with the client address masked and port 0 to persistence templates; the
 * reverse index maps (protocol, real server address and port, client address and port) to
 * NAT connections, and (protocol, real server, local address and port) to full-NAT ones, for
 * replies. Hashes are seeded (against crafted collisions) and mixed with MurmurHash3's
 * finalizer; a key's kind is part of its hash.
 *
 * <p>An IPv4 lookup on a little-endian machine compares a record with two 8-byte loads
 * (protocol, template flag and ports; both addresses: bytes 32 to 47 of the record). Other
 * keys are compared field by field.
 *
 * <p>Not thread-safe: the table's owning thread only. Allocates nothing after construction.
 */
final class ConnectionKeys {

    /** How many lookups a batch overlaps at once. */
    static final int BATCH = 32;
    private static final int KIND_FORWARD = 1;
    private static final int KIND_TEMPLATE = 2;
    private static final int KIND_REVERSE = 3;
    private static final int MISS = -1;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    private final ConnectionRecord rec;
    private final int addressBytes;
    private final long seed;
    private final OpenAddressingIndex forward;
    private final OpenAddressingIndex reverse;
    private final MemorySegment batchKeys;
    private final FlowTuple templateKey = new FlowTuple();
    private final int[] batchHash = new int[BATCH];
    private final int[] batchCandidate = new int[BATCH];
    private int batchSink;

    /**
     * Creates the keys of a table.
     *
     * @param rec a flyweight of the table's records, for this object alone
     * @param forwardSlots zeroed memory of the forward index
     * @param reverseSlots zeroed memory of the reverse index
     * @param slots slots per index
     * @param seed the hash seed
     * @param arena where to allocate the batch's scratch keys
     */
    ConnectionKeys(ConnectionRecord rec, MemorySegment forwardSlots, MemorySegment reverseSlots, int slots,
            long seed, Arena arena) {
        this.rec = rec;
        this.addressBytes = rec.addressBytes();
        this.seed = seed;
        this.forward = new OpenAddressingIndex(forwardSlots, slots, this::forwardHash);
        this.reverse = new OpenAddressingIndex(reverseSlots, slots, this::reverseHash);
        this.batchKeys = arena.allocate(BATCH * 8L, 8);
        templateKey.ipVersion(addressBytes == 4 ? 4 : 6);
    }

    /**
     * Returns the key of a template: a tuple's protocol, client address masked, client port
     * 0, virtual and server address and port, in a tuple of this object's that the next call
     * overwrites.
     *
     * @param flow the tuple
     * @param maskBits the persistence netmask as a prefix length
     * @return the key
     */
    FlowTuple templateKey(FlowTuple flow, int maskBits) {
        MemorySegment from = flow.memory();
        MemorySegment to = templateKey.memory();
        long c = FlowTuple.CLIENT_ADDRESS_OFFSET;
        if (addressBytes == 4) {
            int mask = maskBits <= 0 ? 0 : maskBits >= 32 ? -1 : -1 << (32 - maskBits);
            to.set(NetworkOrder.U32, c, from.get(NetworkOrder.U32, c) & mask);
        } else {
            long high = maskBits <= 0 ? 0 : maskBits >= 64 ? -1L : -1L << (64 - maskBits);
            long low = maskBits <= 64 ? 0 : maskBits >= 128 ? -1L : -1L << (128 - maskBits);
            to.set(NetworkOrder.U64, c, from.get(NetworkOrder.U64, c) & high);
            to.set(NetworkOrder.U64, c + 8, from.get(NetworkOrder.U64, c + 8) & low);
        }
        to.set(INT, FlowTuple.CLIENT_PORT_OFFSET, 0);
        return templateKey.protocol(flow.protocol())
                .virtual(from, FlowTuple.VIRTUAL_ADDRESS_OFFSET, flow.virtualPort())
                .server(from, FlowTuple.SERVER_ADDRESS_OFFSET, flow.serverPort());
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Finds the connection (not a template) of a tuple's protocol, client and virtual endpoints.
     *
     * @param t the tuple
     * @return the entry, or -1
     */
    int lookup(FlowTuple t) {
        MemorySegment m = t.memory();
        int protocol = m.get(INT, FlowTuple.PROTOCOL_OFFSET);
        int clientPort = m.get(INT, FlowTuple.CLIENT_PORT_OFFSET);
        int virtualPort = m.get(INT, FlowTuple.VIRTUAL_PORT_OFFSET);
        if (LITTLE_ENDIAN && addressBytes == 4) {
            int client = m.get(INT, FlowTuple.CLIENT_ADDRESS_OFFSET);
            int virtual = m.get(INT, FlowTuple.VIRTUAL_ADDRESS_OFFSET);
            return findIpv4(hashIpv4(KIND_FORWARD, protocol, client, clientPort, virtual, virtualPort), protocol,
                    client, clientPort, virtual, virtualPort);
        }
        return find(forward, KIND_FORWARD, protocol, m, FlowTuple.CLIENT_ADDRESS_OFFSET, clientPort, m,
                FlowTuple.VIRTUAL_ADDRESS_OFFSET, virtualPort);
    }

    /**
     * Finds a template (valid or not is the caller's concern) of a tuple whose client address
     * is masked already; its client port is not read (templates have 0).
     *
     * @param masked the tuple
     * @return the template, or -1
     */
    int lookupTemplate(FlowTuple masked) {
        MemorySegment m = masked.memory();
        return find(forward, KIND_TEMPLATE, m.get(INT, FlowTuple.PROTOCOL_OFFSET), m,
                FlowTuple.CLIENT_ADDRESS_OFFSET, 0, m, FlowTuple.VIRTUAL_ADDRESS_OFFSET,
                m.get(INT, FlowTuple.VIRTUAL_PORT_OFFSET));
    }

    /**
     * Finds the NAT or full-NAT connection of a reply: the tuple's server, and its client as
     * the reply's destination (the client, or a full-NAT connection's local address).
     *
     * @param t the tuple
     * @return the entry, or -1
     */
    int lookupReply(FlowTuple t) {
        MemorySegment m = t.memory();
        return find(reverse, KIND_REVERSE, m.get(INT, FlowTuple.PROTOCOL_OFFSET), m,
                FlowTuple.SERVER_ADDRESS_OFFSET, m.get(INT, FlowTuple.SERVER_PORT_OFFSET), m,
                FlowTuple.CLIENT_ADDRESS_OFFSET, m.get(INT, FlowTuple.CLIENT_PORT_OFFSET));
    }

    /**
     * Looks up IPv4 connections of one protocol with overlapping memory accesses: the home
     * slots of all keys first, then their candidate records, then the comparisons.
     *
     * @param protocol the IP protocol number
     * @param clients the client addresses
     * @param clientPorts the client ports
     * @param virtuals the virtual addresses
     * @param virtualPorts the virtual ports
     * @param offset the first lookup's index in the arrays
     * @param count how many lookups
     * @param results receives the entries from index 0, or -1
     */
    void lookupBatch(int protocol, int[] clients, int[] clientPorts, int[] virtuals, int[] virtualPorts,
            int offset, int count, int[] results) {
        for (int from = 0; from < count; from += BATCH) {
            int n = Math.min(BATCH, count - from);
            if (LITTLE_ENDIAN) {
                for (int i = 0; i < n; i++) {
                    int k = offset + from + i;
                    batchHash[i] = hashIpv4(KIND_FORWARD, protocol, Integer.reverseBytes(clients[k]), clientPorts[k],
                            Integer.reverseBytes(virtuals[k]), virtualPorts[k]);
                }
                touchCandidates(n);
                for (int i = 0; i < n; i++) {
                    int k = offset + from + i;
                    results[from + i] = findIpv4(batchHash[i], protocol, Integer.reverseBytes(clients[k]),
                            clientPorts[k], Integer.reverseBytes(virtuals[k]), virtualPorts[k]);
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                int k = offset + from + i;
                batchKeys.set(NetworkOrder.U32, i * 8L, clients[k]);
                batchKeys.set(NetworkOrder.U32, i * 8L + 4, virtuals[k]);
                batchHash[i] = hash(KIND_FORWARD, protocol, batchKeys, i * 8L, clientPorts[k], batchKeys, i * 8L + 4,
                        virtualPorts[k]);
            }
            touchCandidates(n);
            for (int i = 0; i < n; i++) {
                int k = offset + from + i;
                results[from + i] = find(forward, KIND_FORWARD, batchHash[i], protocol, batchKeys, i * 8L,
                        clientPorts[k], batchKeys, i * 8L + 4, virtualPorts[k]);
            }
        }
    }

    /** Loads the home slots, then the candidate records, each in a tight loop of independent loads. */
    private void touchCandidates(int n) {
        for (int i = 0; i < n; i++) {
            batchCandidate[i] = forward.homeCandidate(batchHash[i]);
        }
        int sink = 0;
        for (int i = 0; i < n; i++) {
            int e = batchCandidate[i];
            if (e >= 0) {
                sink += rec.wrap(e).protocol();
            }
        }
        batchSink = sink;
    }

    private int find(OpenAddressingIndex index, int kind, int protocol, MemorySegment as, long a, int aPort,
            MemorySegment bs, long b, int bPort) {
        return find(index, kind, hash(kind, protocol, as, a, aPort, bs, b, bPort), protocol, as, a, aPort, bs, b,
                bPort);
    }

    private int find(OpenAddressingIndex index, int kind, int hash, int protocol, MemorySegment as, long a,
            int aPort, MemorySegment bs, long b, int bPort) {
        for (int pos = index.probe(hash); pos >= 0; pos = index.probeNext(pos, hash)) {
            int e = index.entryAt(pos);
            if (matches(e, kind, protocol, as, a, aPort, bs, b, bPort)) {
                return e;
            }
        }
        return MISS;
    }

    /**
     * The forward lookup of an IPv4 key on a little-endian machine, with the addresses as
     * read from memory in native order: two 8-byte loads of the record compare protocol,
     * template flag, ports and both addresses.
     */
    private int findIpv4(int hash, int protocol, int client, int clientPort, int virtual, int virtualPort) {
        if (((protocol & ~0xFF) | ((clientPort | virtualPort) & ~0xFFFF)) != 0) {
            return MISS; // no record holds such values
        }
        // Bytes 32-39: protocol, state, flags, client port, virtual port; 40-47: the addresses.
        long head = (long) virtualPort << 48 | (long) clientPort << 32 | protocol;
        long headMask = 0xFFFF_FFFF_0000_00FFL | (long) ConnectionTable.FLAG_TEMPLATE << 16;
        long addresses = (long) virtual << 32 | (client & 0xFFFF_FFFFL);
        for (int pos = forward.probe(hash); pos >= 0; pos = forward.probeNext(pos, hash)) {
            int e = forward.entryAt(pos);
            rec.wrap(e);
            if ((rec.keyHead() & headMask) == head && rec.keyAddressesIpv4() == addresses) {
                return e;
            }
        }
        return MISS;
    }

    private boolean matches(int e, int kind, int protocol, MemorySegment as, long a, int aPort,
            MemorySegment bs, long b, int bPort) {
        rec.wrap(e);
        if (rec.protocol() != protocol) {
            return false;
        }
        int flags = rec.flags();
        long aAt;
        long bAt;
        int aPortHere;
        int bPortHere;
        if (kind == KIND_REVERSE) {
            aAt = rec.destinationAddressAt();
            aPortHere = rec.destinationPort();
            if ((flags & ConnectionTable.FLAG_FULL_NAT) != 0) {
                bAt = rec.localAddressAt();
                bPortHere = rec.localPort();
            } else {
                bAt = rec.clientAddressAt();
                bPortHere = rec.clientPort();
            }
        } else {
            if (((flags & ConnectionTable.FLAG_TEMPLATE) != 0) != (kind == KIND_TEMPLATE)) {
                return false;
            }
            aAt = rec.clientAddressAt();
            aPortHere = rec.clientPort();
            bAt = rec.virtualAddressAt();
            bPortHere = rec.virtualPort();
        }
        return aPortHere == aPort && bPortHere == bPort && rec.sameAddress(aAt, as, a) && rec.sameAddress(bAt, bs, b);
    }

    // ---------------------------------------------------------------- hashes

    private int hash(int kind, int protocol, MemorySegment as, long a, int aPort, MemorySegment bs, long b,
            int bPort) {
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
        rec.wrap(e);
        int kind = (rec.flags() & ConnectionTable.FLAG_TEMPLATE) != 0 ? KIND_TEMPLATE : KIND_FORWARD;
        return hash(kind, rec.protocol(), rec.memory(), rec.clientAddressAt(), rec.clientPort(), rec.memory(),
                rec.virtualAddressAt(), rec.virtualPort());
    }

    private int reverseHash(int e) {
        rec.wrap(e);
        boolean full = (rec.flags() & ConnectionTable.FLAG_FULL_NAT) != 0;
        return hash(KIND_REVERSE, rec.protocol(), rec.memory(), rec.destinationAddressAt(), rec.destinationPort(),
                rec.memory(), full ? rec.localAddressAt() : rec.clientAddressAt(),
                full ? rec.localPort() : rec.clientPort());
    }

    // ---------------------------------------------------------------- index maintenance

    /**
     * Indexes a written record: forward always, reverse for NAT and full-NAT connections.
     *
     * @param e the entry
     * @param reply whether replies are looked up (NAT)
     */
    void add(int e, boolean reply) {
        forward.insert(forwardHash(e), e);
        if (reply) {
            reverse.insert(reverseHash(e), e);
        }
    }

    /**
     * Takes an entry out of the forward index (its record unchanged since {@link #add}).
     *
     * @param e the entry
     */
    void removeForward(int e) {
        forward.remove(forwardHash(e), e);
    }

    /**
     * Takes an entry out of the reverse index.
     *
     * @param e the entry
     */
    void removeReverse(int e) {
        reverse.remove(reverseHash(e), e);
    }
}
