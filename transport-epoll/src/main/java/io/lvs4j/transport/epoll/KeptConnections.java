package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.ConnectionTableBuilder;
import io.lvs4j.core.conn.DestinationResolver;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.model.VirtualService;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps a loop's connection tables in files across a restart of the director
 * ({@link PacketDirectorBuilder#keepConnections}): names each loop's file, so that a flow,
 * which the fanout sends to the same loop index again (same number of loops), finds its entry;
 * and gives each kept entry the destination id its real server has in this run, by the virtual
 * service (protocol, address, port) and real server (address, port) the entry holds, not by the
 * id it held, so that a changed configuration never sends a kept connection to another server.
 *
 * <p>Control plane: used while a loop's tables are built; allocates.
 */
final class KeptConnections implements DestinationResolver {

    private final DestinationTable destinations;
    private final byte[] server = new byte[16];
    private final byte[] virtual = new byte[16];
    private final MemorySegment scratch = Arena.ofAuto().allocate(16);

    KeptConnections(DestinationTable destinations) {
        this.destinations = destinations;
    }

    /**
     * Names a loop's table file: {@code lvs4j-NAME-LOOP-ipv4} (or {@code -ipv6}) in the directory;
     * the header's owner holds the number of loops, so that a file of another loop count is refused.
     *
     * @param b the table's builder
     * @param directory the directory
     * @param name the director's name
     * @param ipv6 whether the table is the IPv6 one
     * @param index the loop's index
     * @param loops the number of loops
     */
    void keep(ConnectionTableBuilder b, Path directory, String name, boolean ipv6, int index, int loops) {
        b.file(directory.resolve(fileName(name, index, ipv6)), (long) loops << 32 | index).resolver(this)
                .deferRecovery();
    }

    /**
     * Returns the file name of a loop's table.
     *
     * @param name the director's name
     * @param index the loop's index
     * @param ipv6 whether the table is the IPv6 one
     * @return the name
     */
    static String fileName(String name, int index, boolean ipv6) {
        return "lvs4j-" + name + "-" + index + (ipv6 ? "-ipv6" : "-ipv4");
    }

    @Override
    public int resolve(FlowTuple flow, boolean template, int storedId) {
        int length = flow.ipVersion() == 4 ? 4 : 16;
        flow.copyServerAddress(scratch, 0);
        MemorySegment.copy(scratch, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, server, 0, length);
        flow.copyVirtualAddress(scratch, 0);
        MemorySegment.copy(scratch, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, virtual, 0, length);
        if (matches(storedId, flow, length)) {
            return storedId;
        }
        for (int id = 0; id < destinations.size(); id++) {
            if (matches(id, flow, length)) {
                return id;
            }
        }
        return ConnectionTable.MISS;
    }

    private boolean matches(int id, FlowTuple flow, int length) {
        if (id < 0 || id >= destinations.size() || destinations.ipv6(id) != (length == 16)) {
            return false;
        }
        ServiceSlot slot = destinations.owner(id);
        if (slot == null) {
            return false;
        }
        VirtualService service = slot.service();
        int port = destinations.port(id);
        destinations.address(id, scratch);
        return service.protocol().number() == flow.protocol()
                && (service.port() == 0 || service.port() == flow.virtualPort())
                && Arrays.equals(service.address().getAddress(), 0, length, virtual, 0, length)
                && (port == 0 || port == flow.serverPort())
                && MemorySegment.mismatch(scratch, 0, length, MemorySegment.ofArray(server), 0, length) == -1;
    }
}
