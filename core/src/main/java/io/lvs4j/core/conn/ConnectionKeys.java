package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The keys of the connection table and its two {@link OpenAddressingIndex}es: the forward
 * index maps (protocol, client address and port, virtual address and port) to connections,
 * and the same with the client address masked and port 0 to persistence templates; the
 * reverse index maps (protocol, real server address and port, client address and port) to
 * NAT connections, and (protocol, real server, local address and port) to full-NAT ones, for
 * replies. Hashes are seeded (against crafted collisions) and mixed with MurmurHash3's
 * finalizer; a key's kind is part of its hash. Addresses enter hashes and comparisons as
 * native-order loads of their bytes, from a record or a {@link FlowTuple} alike.
 *
 * <p>An IPv4 lookup on a little-endian machine compares a record with two 8-byte loads
 * (protocol, template flag and ports; both addresses: bytes 32 to 47 of the record). Other
 * keys are compared field by field.
 *
 * <p>Not thread-safe: the table's owning thread only. Allocates nothing after construction.
 */
final class ConnectionKeys {

    /** How many lookups a batch overlaps at once. */
    static final int BATCH = 64;
    private static final int KIND_FORWARD = 1;
    private static final int KIND_TEMPLATE = 2;
    private static final int KIND_REVERSE = 3;
    private static final int MISS = -1;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final ConnectionRecord rec;
    private final boolean ipv4;
    private final long seed;
    private final OpenAddressingIndex forward;
    private final OpenAddressingIndex reverse;
    private final FlowTuple templateKey = new FlowTuple();
    private final int[] batchHash = new int[BATCH];
    /** A piece's home slots read ahead, then its candidate entries. */
    private final int[] batchSlot = new int[BATCH];
    /** Where the reads ahead of a batch go, so that the compiler keeps them. */
    private long batchSink;

    /**
     * Creates the keys of a table.
     *
     * @param rec a flyweight of the table's records, for this object alone
     * @param forwardSlots zeroed memory of the forward index
     * @param reverseSlots zeroed memory of the reverse index
     * @param slots slots per index
     * @param seed the hash seed
     */
    ConnectionKeys(ConnectionRecord rec, MemorySegment forwardSlots, MemorySegment reverseSlots, int slots,
            long seed) {
        this.rec = rec;
        this.ipv4 = rec.addressBytes() == 4;
        this.seed = seed;
        this.forward = new OpenAddressingIndex(forwardSlots, slots, this::forwardHash);
        this.reverse = new OpenAddressingIndex(reverseSlots, slots, this::reverseHash);
        templateKey.ipVersion(ipv4 ? 4 : 6);
    }

    // ---------------------------------------------------------------- lookups

    /**
     * Finds the connection (not a template) of a tuple's protocol, client and virtual endpoints.
     *
     * @param t the tuple
     * @return the entry, or -1
     */
    int lookup(FlowTuple t) {
        if (LITTLE_ENDIAN && ipv4) {
            int client = (int) t.clientHigh;
            int virtual = (int) t.virtualHigh;
            return findIpv4(hashIpv4(KIND_FORWARD, t.protocol, client, t.clientPort, virtual, t.virtualPort),
                    t.protocol, client, t.clientPort, virtual, t.virtualPort);
        }
        return find(forward, KIND_FORWARD, t.protocol, t.clientHigh, t.clientLow, t.clientPort, t.virtualHigh,
                t.virtualLow, t.virtualPort);
    }

    /**
     * Finds a template (valid or not is the caller's concern) of a {@link #templateKey}.
     *
     * @param key the template's key
     * @return the template, or -1
     */
    int lookupTemplate(FlowTuple key) {
        return find(forward, KIND_TEMPLATE, key.protocol, key.clientHigh, key.clientLow, 0, key.virtualHigh,
                key.virtualLow, key.virtualPort);
    }

    /**
     * Finds the NAT or full-NAT connection of a reply: the tuple's server, and its client as
     * the reply's destination (the client, or a full-NAT connection's local address).
     *
     * @param t the tuple
     * @return the entry, or -1
     */
    int lookupReply(FlowTuple t) {
        return find(reverse, KIND_REVERSE, t.protocol, t.serverHigh, t.serverLow, t.serverPort, t.clientHigh,
                t.clientLow, t.clientPort);
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
        FlowTuple key = templateKey;
        if (ipv4) {
            int mask = maskBits <= 0 ? 0 : maskBits >= 32 ? -1 : -1 << (32 - maskBits);
            key.client(flow.clientAddressIpv4() & mask, 0);
        } else {
            long high = maskBits <= 0 ? 0 : maskBits >= 64 ? -1L : -1L << (64 - maskBits);
            long low = maskBits <= 64 ? 0 : maskBits >= 128 ? -1L : -1L << (128 - maskBits);
            key.clientHigh = flow.clientHigh & nativeLong(high);
            key.clientLow = flow.clientLow & nativeLong(low);
            key.clientPort = 0;
        }
        key.protocol = flow.protocol;
        key.virtualHigh = flow.virtualHigh;
        key.virtualLow = flow.virtualLow;
        key.virtualPort = flow.virtualPort;
        key.serverHigh = flow.serverHigh;
        key.serverLow = flow.serverLow;
        key.serverPort = flow.serverPort;
        return key;
    }

    /** A mask of the bytes of an address half, high byte first, to the order of a native-order load. */
    private static long nativeLong(long mask) {
        return LITTLE_ENDIAN ? Long.reverseBytes(mask) : mask;
    }

    /**
     * Looks up IPv4 connections of one protocol with overlapping memory accesses, a piece of up
     * to {@link #BATCH} keys at a time: their hashes; their home slots; the record of each
     * key's first entry of its tag along its probe (its own but for tag collisions); then the
     * comparisons with those records, in the cache by then.
     *
     * @param protocol the IP protocol number
     * @param clients the client addresses, high byte first
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
            int base = offset + from;
            for (int i = 0; i < n; i++) {
                int k = base + i;
                batchHash[i] = hashIpv4(KIND_FORWARD, protocol, FlowTuple.nativeIpv4(clients[k]), clientPorts[k],
                        FlowTuple.nativeIpv4(virtuals[k]), virtualPorts[k]);
            }
            for (int i = 0; i < n; i++) {
                batchSlot[i] = forward.slot(forward.home(batchHash[i]));
            }
            long sink = 0;
            for (int i = 0; i < n; i++) {
                int e = firstCandidate(forward, batchHash[i]);
                batchSlot[i] = e;
                sink += rec.touchKey(Math.max(e, 0));
            }
            batchSink = sink;
            for (int i = 0; i < n; i++) {
                int k = base + i;
                results[from + i] = compare(batchSlot[i], batchHash[i], protocol, FlowTuple.nativeIpv4(clients[k]),
                        clientPorts[k], FlowTuple.nativeIpv4(virtuals[k]), virtualPorts[k]);
            }
        }
    }

    /**
     * Starts the memory reads of IPv4 lookups to be made soon, connections ({@link #lookup}) or
     * replies ({@link #lookupReply}), and finds nothing: per key its home slot, then every
     * cache line of its candidate record, pieces of up to {@link #BATCH} keys at a time.
     *
     * @param count how many keys
     * @param protocols the protocols
     * @param as a connection's client, or a reply's server address (native order, as
     *     {@link FlowTuple#nativeIpv4})
     * @param aPorts its port
     * @param bs a connection's virtual, or a reply's destination address (native order)
     * @param bPorts its port
     * @param replies whether each key is a reply's
     */
    void prefetchIpv4(int count, int[] protocols, int[] as, int[] aPorts, int[] bs, int[] bPorts,
            boolean[] replies) {
        for (int from = 0; from < count; from += BATCH) {
            int n = Math.min(BATCH, count - from);
            for (int i = 0; i < n; i++) {
                int k = from + i;
                batchHash[i] = hashIpv4(replies[k] ? KIND_REVERSE : KIND_FORWARD, protocols[k], as[k], aPorts[k],
                        bs[k], bPorts[k]);
            }
            for (int i = 0; i < n; i++) {
                OpenAddressingIndex index = replies[from + i] ? reverse : forward;
                batchSlot[i] = index.slot(index.home(batchHash[i]));
            }
            long sink = 0;
            for (int i = 0; i < n; i++) {
                OpenAddressingIndex index = replies[from + i] ? reverse : forward;
                sink += rec.touchWhole(Math.max(firstCandidate(index, batchHash[i]), 0));
            }
            batchSink = sink;
        }
    }

    /**
     * Returns the first entry of a hash's probe whose tag matches, the record its lookup will
     * most likely compare (it is the key's unless two tags collide), or -1 if the probe ends
     * first (the key is absent): the home slot's entry for most keys, a later one for the keys
     * that probed past it when they were inserted (a quarter at the full table's load).
     */
    private static int firstCandidate(OpenAddressingIndex index, int hash) {
        for (int pos = index.home(hash);; pos = index.next(pos)) {
            int slot = index.slot(pos);
            if (slot == 0) {
                return MISS;
            }
            if (OpenAddressingIndex.tagMatches(slot, hash)) {
                return OpenAddressingIndex.entry(slot);
            }
        }
    }

    /**
     * The comparison of a batch's lookup with the candidate its read ahead found: the candidate
     * if it holds the key, a miss if there was none, else (two tags collided) a lookup in full.
     */
    private int compare(int candidate, int hash, int protocol, int client, int clientPort, int virtual,
            int virtualPort) {
        if (candidate == MISS) {
            return MISS; // the probe ended without an entry of the key's tag
        }
        if (LITTLE_ENDIAN && ((protocol & ~0xFF) | ((clientPort | virtualPort) & ~0xFFFF)) == 0
                && rec.connectionKeyIpv4(candidate, (long) virtualPort << 48 | (long) clientPort << 32 | protocol,
                        (long) virtual << 32 | (client & 0xFFFF_FFFFL))) {
            return candidate;
        }
        return LITTLE_ENDIAN ? findIpv4(hash, protocol, client, clientPort, virtual, virtualPort)
                : find(forward, KIND_FORWARD, hash, protocol, client, 0, clientPort, virtual, 0, virtualPort);
    }

    private int find(OpenAddressingIndex index, int kind, int protocol, long aHigh, long aLow, int aPort,
            long bHigh, long bLow, int bPort) {
        return find(index, kind, hash(kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort), protocol, aHigh, aLow,
                aPort, bHigh, bLow, bPort);
    }

    private int find(OpenAddressingIndex index, int kind, int hash, int protocol, long aHigh, long aLow, int aPort,
            long bHigh, long bLow, int bPort) {
        for (int pos = index.home(hash);; pos = index.next(pos)) {
            int slot = index.slot(pos);
            if (slot == 0) {
                return MISS;
            }
            if (OpenAddressingIndex.tagMatches(slot, hash)) {
                int e = OpenAddressingIndex.entry(slot);
                if (matches(e, kind, protocol, aHigh, aLow, aPort, bHigh, bLow, bPort)) {
                    return e;
                }
            }
        }
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
        long addresses = (long) virtual << 32 | (client & 0xFFFF_FFFFL);
        for (int pos = forward.home(hash);; pos = forward.next(pos)) {
            int slot = forward.slot(pos);
            if (slot == 0) {
                return MISS;
            }
            if (OpenAddressingIndex.tagMatches(slot, hash)) {
                int e = OpenAddressingIndex.entry(slot);
                if (rec.connectionKeyIpv4(e, head, addresses)) {
                    return e;
                }
            }
        }
    }

    private boolean matches(int e, int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh, long bLow,
            int bPort) {
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
        return aPortHere == aPort && bPortHere == bPort && rec.sameAddress(aAt, aHigh, aLow)
                && rec.sameAddress(bAt, bHigh, bLow);
    }

    // ---------------------------------------------------------------- hashes

    private int hash(int kind, int protocol, long aHigh, long aLow, int aPort, long bHigh, long bLow, int bPort) {
        if (ipv4) {
            return hashIpv4(kind, protocol, (int) aHigh, aPort, (int) bHigh, bPort);
        }
        long h = seed ^ ((long) kind << 56 | (long) protocol << 32 | (long) aPort << 16 | bPort);
        h = mix(h ^ aHigh);
        h = mix(h ^ aLow);
        h = mix(h ^ bHigh);
        h = mix(h ^ bLow);
        return (int) mix(h);
    }

    /** The IPv4 hash, of addresses as native-order loads of their bytes; {@link #hash} agrees. */
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
        long client = rec.clientAddressAt();
        long virtual = rec.virtualAddressAt();
        return hash(kind, rec.protocol(), rec.high(client), rec.low(client), rec.clientPort(), rec.high(virtual),
                rec.low(virtual), rec.virtualPort());
    }

    private int reverseHash(int e) {
        rec.wrap(e);
        boolean full = (rec.flags() & ConnectionTable.FLAG_FULL_NAT) != 0;
        long server = rec.destinationAddressAt();
        long to = full ? rec.localAddressAt() : rec.clientAddressAt();
        return hash(KIND_REVERSE, rec.protocol(), rec.high(server), rec.low(server), rec.destinationPort(),
                rec.high(to), rec.low(to), full ? rec.localPort() : rec.clientPort());
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
