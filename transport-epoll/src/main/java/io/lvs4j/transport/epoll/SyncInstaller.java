package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.TcpState;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncConnection;
import io.lvs4j.core.sync.SyncFlags;
import io.lvs4j.core.sync.SyncStates;
import io.lvs4j.core.sync.SyncSysctls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Installs a peer's sync records into one loop's connection tables, on that loop, as IPVS's
 * backup does ({@code ip_vs_proc_conn}): the record's virtual service must be one of this
 * director's (the fwmark service of the record's mark, else by protocol, address and port, as
 * IPVS's {@code ip_vs_service_find}) and its real server one of that service's (address and
 * port), else the record is dropped and counted; a connection this loop has is moved to the
 * record's state and timeout (or, bound to another real server, replaced); one it lacks is
 * restored with its state, its activity flag and its remaining timeout (at most a day), never
 * scheduled; a full table refuses it (counted). The forwarding method is this director's service's, as IPVS's
 * backup takes it from its destination. NAT connections forget any client MAC left in their
 * entry's slot, so that replies go to a MAC this loop has learnt ({@link NatForwarder}).
 *
 * <p>Records come as the fixed parts of version 1 records (36 or 72 bytes each, options
 * dropped), already checked by the decoder. Not thread-safe: its loop only.
 */
final class SyncInstaller {

    private static final long SECOND = 1_000_000_000L;
    /** The longest time to live a peer may give a connection: a day, far above IPVS's timeouts. */
    private static final long MAX_TIMEOUT_SECONDS = 86_400;

    private final DataPath path;
    private final SyncSender sender;
    private final LoopCounters<DirectorCounter> counters;
    private final SyncConnection record = new SyncConnection();
    private final FlowTuple flow = new FlowTuple();
    private final MemorySegment scratch = Arena.ofAuto().allocate(16, 8);

    /**
     * @param path the loop's data path, whose tables take the records
     * @param sender the loop's sender, told of each installed entry
     */
    SyncInstaller(DataPath path, SyncSender sender) {
        this.path = path;
        this.sender = sender;
        this.counters = path.counters();
    }

    /**
     * Installs a batch of records; on the loop.
     *
     * @param records the records' fixed parts, one after the other
     * @param length the bytes they take
     */
    void install(MemorySegment records, long length) {
        for (long at = 0; at < length; at += record.fixedLength()) {
            install(record.wrap(records, at));
        }
    }

    private void install(SyncConnection r) {
        boolean ipv6 = r.ipv6();
        ConnectionTable table = path.table(ipv6 ? 6 : 4);
        if (table == null) {
            counters.increment(DirectorCounter.SYNC_DROP_UNSUPPORTED);
            return;
        }
        ServiceTable services = path.publication().services();
        int protocol = r.protocol();
        // As IPVS's ip_vs_service_find: the fwmark service of a record's mark first, else by address.
        int s = services.findMark(ipv6 ? 6 : 4, r.fwmark());
        if (s < 0) {
            s = ipv6 ? services.find6(protocol, r.segment(), r.virtualAddressOffset(), r.virtualPort())
                    : services.find(protocol, r.virtualAddressIpv4(), r.virtualPort());
        }
        if (s < 0) {
            counters.increment(DirectorCounter.SYNC_DROP_UNKNOWN_SERVICE);
            return;
        }
        ServiceSlot slot = services.slot(s);
        ForwardingMethod method = slot.forwarding().method();
        if (method == ForwardingMethod.FULL_NAT) {
            counters.increment(DirectorCounter.SYNC_DROP_UNSUPPORTED);
            return;
        }
        int id = server(slot, r);
        if (id < 0) {
            counters.increment(DirectorCounter.SYNC_DROP_UNKNOWN_SERVER);
            return;
        }
        tuple(r, ipv6, id);
        if (SyncFlags.isTemplate(r.flags())) {
            template(table, r, id);
        } else {
            connection(table, r, id, method);
        }
    }

    private void template(ConnectionTable table, SyncConnection r, int id) {
        int seconds = (int) Math.min(65535, r.timeoutSeconds() == 0
                ? SyncSysctls.TEMPLATE_TIMEOUT_FALLBACK_SECONDS : r.timeoutSeconds());
        int t = table.lookupTemplate(flow, 128);
        if (t != ConnectionTable.MISS && table.destination(t) == id) {
            table.update(t, TcpState.NONE, seconds * SECOND);
            counters.increment(DirectorCounter.SYNC_UPDATED);
            return;
        }
        t = table.restoreTemplate(flow, id, seconds, seconds * SECOND);
        if (t == ConnectionTable.MISS) {
            counters.increment(DirectorCounter.SYNC_DROP_TABLE_FULL);
            return;
        }
        sender.installed(table, t, SyncStates.TEMPLATE_NONE);
        counters.increment(DirectorCounter.SYNC_INSTALLED);
    }

    private void connection(ConnectionTable table, SyncConnection r, int id, ForwardingMethod method) {
        TcpState state = r.protocol() == SyncStates.PROTOCOL_TCP ? SyncStates.tcpState(r.state()) : TcpState.NONE;
        long timeout = Math.clamp(r.timeoutSeconds() == 0 ? 3 : r.timeoutSeconds(), 1, MAX_TIMEOUT_SECONDS) * SECOND;
        int e = table.lookup(flow);
        if (e != ConnectionTable.MISS) {
            if (table.destination(e) == id) {
                table.update(e, state, timeout);
                counters.increment(DirectorCounter.SYNC_UPDATED);
                return;
            }
            if (!table.expireNow(e)) { // the master moved it to another server: follow it
                counters.increment(DirectorCounter.SYNC_DROP_UNSUPPORTED);
                return;
            }
        }
        int flags = ((r.flags() & SyncFlags.INACTIVE) != 0 ? ConnectionTable.FLAG_INACTIVE : 0)
                | (method == ForwardingMethod.MASQUERADE ? ConnectionTable.FLAG_NAT : ConnectionTable.FLAG_NO_OUTPUT);
        e = table.restore(flow, id, flags, state, timeout, ConnectionTable.MISS);
        if (e == ConnectionTable.MISS) {
            counters.increment(DirectorCounter.SYNC_DROP_TABLE_FULL);
            return;
        }
        sender.installed(table, e, state.ordinal());
        if (method == ForwardingMethod.MASQUERADE) {
            path.syncedNat(table.ipv6() ? 6 : 4, e);
        }
        counters.increment(DirectorCounter.SYNC_INSTALLED);
    }

    private void tuple(SyncConnection r, boolean ipv6, int id) {
        if (ipv6) {
            MemorySegment m = r.segment();
            flow.ipVersion(6).protocol(r.protocol()).client(m, r.clientAddressOffset(), r.clientPort())
                    .virtual(m, r.virtualAddressOffset(), r.virtualPort())
                    .server(m, r.destinationAddressOffset(), r.destinationPort());
        } else {
            flow.ipv4(r.protocol(), r.clientAddressIpv4(), r.clientPort(), r.virtualAddressIpv4(), r.virtualPort())
                    .server(r.destinationAddressIpv4(), r.destinationPort());
        }
    }

    /** @return the id of the record's real server within the service, or -1 */
    private int server(ServiceSlot slot, SyncConnection r) {
        DestinationTable destinations = path.destinations();
        for (int id = 0; id < destinations.size(); id++) {
            int port = destinations.port(id);
            // A server of port 0 took the connection's virtual port (IPVS's ip_vs_find_dest does the same).
            boolean samePort = port == r.destinationPort() || port == 0 && r.destinationPort() == r.virtualPort();
            if (destinations.owner(id) != slot || !samePort || destinations.ipv6(id) != r.ipv6()) {
                continue;
            }
            if (r.ipv6()) {
                destinations.address6(id, scratch, 0);
                if (MemorySegment.mismatch(scratch, 0, 16, r.segment(), r.destinationAddressOffset(),
                        r.destinationAddressOffset() + 16) < 0) {
                    return id;
                }
            } else if (destinations.address(id) == r.destinationAddressIpv4()) {
                return id;
            }
        }
        return -1;
    }
}
