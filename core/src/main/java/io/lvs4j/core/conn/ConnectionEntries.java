package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;

/**
 * Read access to the live entries of a {@link ConnectionTable} by entry number: what a
 * forwarder needs to rewrite a packet (the real server's address and port, the virtual ones for
 * replies) and what a connection-sync sender or a restart needs to copy an entry (its tuple,
 * flags, state, real server, deadline and template). An entry number comes from a lookup, an
 * insert or {@link #nextEntry}, and stays valid until the entry expires.
 *
 * <p>Not thread-safe: the table's owning thread only. No method allocates.
 */
public abstract sealed class ConnectionEntries permits ConnectionTable {

    /** Used by one method at a time, never across a call to another part. */
    private final ConnectionRecord rec;
    private final EntryAllocator allocator;

    ConnectionEntries(ConnectionRecord rec, EntryAllocator allocator) {
        this.rec = rec;
        this.allocator = allocator;
    }

    /** @return the flyweight of the table's own methods */
    final ConnectionRecord record() {
        return rec;
    }

    /**
     * Walks the live entries, connections and templates, in record order:
     * {@code for (int e = table.nextEntry(MISS); e != MISS; e = table.nextEntry(e))}. Entries
     * inserted or expired during a walk may or may not be visited.
     *
     * @param after an entry, or {@link ConnectionTable#MISS} to start
     * @return the next live entry, or {@link ConnectionTable#MISS} after the last
     */
    public final int nextEntry(int after) {
        return allocator.nextInUse(after);
    }

    /**
     * Copies an entry's protocol, addresses and ports into a tuple, and its family: client
     * (masked, port 0 for a template), virtual, real server and, for full-NAT, local.
     *
     * @param entry a live entry
     * @param into the tuple to fill
     * @return {@code into}
     */
    public final FlowTuple flow(int entry, FlowTuple into) {
        rec.wrap(entry).copyOut(into, (rec.flags() & ConnectionTable.FLAG_FULL_NAT) != 0);
        return into;
    }

    /**
     * Returns an entry's protocol.
     *
     * @param entry the entry
     * @return the IP protocol number (0 for a template of a port-zero service)
     */
    public final int protocol(int entry) {
        return rec.wrap(entry).protocol();
    }

    /**
     * Returns an entry's real server.
     *
     * @param entry the entry
     * @return the destination id
     */
    public final int destination(int entry) {
        return rec.wrap(entry).destination();
    }

    /**
     * Returns an entry's TCP state.
     *
     * @param entry the entry
     * @return the state ({@link TcpState#NONE} for other protocols and templates)
     */
    public final TcpState state(int entry) {
        return TcpState.ofOrdinal(rec.wrap(entry).state());
    }

    /**
     * Returns an entry's flags.
     *
     * @param entry the entry
     * @return a combination of the {@code ConnectionTable.FLAG_*} constants
     */
    public final int flags(int entry) {
        return rec.wrap(entry).flags() & ~ConnectionRecord.FLAG_USED;
    }

    /**
     * Returns when an entry expires.
     *
     * @param entry the entry
     * @return its deadline on the table's clock
     */
    public final long deadline(int entry) {
        return rec.wrap(entry).deadline();
    }

    /**
     * Returns the template that controls a connection.
     *
     * @param entry a connection
     * @return the template, or {@link ConnectionTable#MISS}
     */
    public final int controllingTemplate(int entry) {
        rec.wrap(entry);
        return (rec.flags() & ConnectionTable.FLAG_TEMPLATE) != 0 ? ConnectionTable.MISS : rec.control() - 1;
    }

    /**
     * Returns how many connections a template controls.
     *
     * @param template a template
     * @return the count, 0 for a connection
     */
    public final int controlledConnections(int template) {
        rec.wrap(template);
        return (rec.flags() & ConnectionTable.FLAG_TEMPLATE) != 0 ? rec.control() : 0;
    }

    /**
     * Returns a template's persistence timeout.
     *
     * @param template a template
     * @return seconds, 1 to 65535; 0 for a connection
     */
    public final int templateTimeoutSeconds(int template) {
        rec.wrap(template);
        return (rec.flags() & ConnectionTable.FLAG_TEMPLATE) != 0 ? rec.templateTimeout() : 0;
    }

    /**
     * Returns an entry's real server port (for NAT rewrites).
     *
     * @param entry the entry
     * @return the port
     */
    public final int destinationPort(int entry) {
        return rec.wrap(entry).destinationPort();
    }

    /**
     * Returns an entry's virtual port (for rewriting NAT replies back).
     *
     * @param entry the entry
     * @return the port
     */
    public final int virtualPort(int entry) {
        return rec.wrap(entry).virtualPort();
    }

    /**
     * Returns an entry's client port.
     *
     * @param entry the entry
     * @return the port (0 for a template)
     */
    public final int clientPort(int entry) {
        return rec.wrap(entry).clientPort();
    }

    /**
     * Returns a full-NAT entry's local port.
     *
     * @param entry a full-NAT entry ({@link ConnectionTable#FLAG_FULL_NAT})
     * @return the port
     */
    public final int localPort(int entry) {
        return rec.wrap(entry).localPort();
    }

    /**
     * Returns the real server address of an entry of an IPv4 table.
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public final int destinationAddressIpv4(int entry) {
        return rec.ipv4(destinationAddressOffset(entry));
    }

    /**
     * Returns the virtual address of an entry of an IPv4 table.
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public final int virtualAddressIpv4(int entry) {
        return rec.ipv4(virtualAddressOffset(entry));
    }

    /**
     * Returns the client address of an entry of an IPv4 table (for rewriting full-NAT replies).
     *
     * @param entry the entry
     * @return the address, high byte first
     */
    public final int clientAddressIpv4(int entry) {
        return rec.ipv4(clientAddressOffset(entry));
    }

    /**
     * Returns the local address of a full-NAT entry of an IPv4 table.
     *
     * @param entry a full-NAT entry
     * @return the address, high byte first
     * @throws IllegalStateException if the table was not built for full-NAT
     */
    public final int localAddressIpv4(int entry) {
        return rec.ipv4(localAddressOffset(entry));
    }

    /**
     * Returns the table's memory, so that addresses can be copied out of it without
     * allocating, at {@link #destinationAddressOffset(int)} and friends.
     *
     * @return the records' segment
     */
    public final MemorySegment memory() {
        return rec.memory();
    }

    /**
     * Returns where an entry's real server address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public final long destinationAddressOffset(int entry) {
        return rec.wrap(entry).destinationAddressAt();
    }

    /**
     * Returns where an entry's client address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public final long clientAddressOffset(int entry) {
        return rec.wrap(entry).clientAddressAt();
    }

    /**
     * Returns where an entry's virtual address lies in {@link #memory()}.
     *
     * @param entry the entry
     * @return the offset of 4 or 16 address bytes
     */
    public final long virtualAddressOffset(int entry) {
        return rec.wrap(entry).virtualAddressAt();
    }

    /**
     * Returns where a full-NAT entry's local address lies in {@link #memory()}.
     *
     * @param entry a full-NAT entry ({@link ConnectionTable#FLAG_FULL_NAT})
     * @return the offset of 4 or 16 address bytes
     * @throws IllegalStateException if the table was not built for full-NAT
     */
    public final long localAddressOffset(int entry) {
        return rec.wrap(entry).localAddressAt();
    }
}
