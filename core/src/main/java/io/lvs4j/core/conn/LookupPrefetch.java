package io.lvs4j.core.conn;

/**
 * Starts the memory reads of the connection lookups a batch of received IPv4 frames is about
 * to make, so that they overlap instead of each lookup waiting for DRAM in turn: the caller
 * {@linkplain #connection adds} the key of each frame it can read cheaply (a client's frame to
 * a virtual service, or a {@linkplain #reply real server's reply}), then {@link #run}s it, then
 * handles the frames one by one as before. It reads each key's home index slot, then every
 * cache line of the candidate record it names, and keeps no result: the lookups themselves are
 * made afresh, so a frame that creates or removes a connection a later frame needs changes
 * nothing but the cache's contents. Keys that fall outside the table's range (ports above
 * 65535, an entry the table does not hold) only cost a read.
 *
 * <p>For an IPv4 table only; an IPv6 table ignores {@link #run}. Not thread-safe: the table's
 * owning thread. Allocates nothing after construction.
 */
public final class LookupPrefetch {

    private final ConnectionTable table;
    private final int[] protocols;
    private final int[] as;
    private final int[] aPorts;
    private final int[] bs;
    private final int[] bPorts;
    private final boolean[] replies;
    private int size;

    /**
     * Creates a prefetch of up to a number of keys per {@link #run}.
     *
     * @param table the table the lookups will be made in
     * @param capacity keys it holds; an {@link #connection} or {@link #reply} beyond runs the
     *     batch so far first
     */
    public LookupPrefetch(ConnectionTable table, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.table = table;
        protocols = new int[capacity];
        as = new int[capacity];
        aPorts = new int[capacity];
        bs = new int[capacity];
        bPorts = new int[capacity];
        replies = new boolean[capacity];
    }

    /**
     * Adds the key of a client's frame, as {@link ConnectionTable#lookup} will look it up.
     *
     * @param protocol the IP protocol number
     * @param client the client address, high byte first
     * @param clientPort the client port
     * @param virtual the virtual address, high byte first
     * @param virtualPort the virtual port
     */
    public void connection(int protocol, int client, int clientPort, int virtual, int virtualPort) {
        add(protocol, client, clientPort, virtual, virtualPort, false);
    }

    /**
     * Adds the key of a real server's reply, as {@link ConnectionTable#lookupReply} will look it
     * up: its source and destination (the client, or a full-NAT connection's local address).
     *
     * @param protocol the IP protocol number
     * @param server the reply's source address, high byte first
     * @param serverPort its source port
     * @param to its destination address, high byte first
     * @param toPort its destination port
     */
    public void reply(int protocol, int server, int serverPort, int to, int toPort) {
        add(protocol, server, serverPort, to, toPort, true);
    }

    private void add(int protocol, int a, int aPort, int b, int bPort, boolean reply) {
        if (size == protocols.length) {
            run();
        }
        int i = size++;
        protocols[i] = protocol;
        as[i] = FlowTuple.nativeIpv4(a);
        aPorts[i] = aPort;
        bs[i] = FlowTuple.nativeIpv4(b);
        bPorts[i] = bPort;
        replies[i] = reply;
    }

    /** @return the keys added since the last {@link #run} */
    public int size() {
        return size;
    }

    /** Starts the reads of the keys added, then forgets them. */
    public void run() {
        if (size > 0 && !table.ipv6()) {
            table.keys().prefetchIpv4(size, protocols, as, aPorts, bs, bPorts, replies);
        }
        size = 0;
    }
}
