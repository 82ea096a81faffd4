package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sync.SyncConnection;
import io.lvs4j.core.sync.SyncFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Connection sync of a fwmark service as IPVS's sync version 1 carries it: each record (the
 * connections and the persistence template, keyed on client and mark) names the mark, and a
 * backup installs it into its own fwmark service of that mark, so that it forwards the
 * connections where the master did and a new connection of the same client on another marked
 * port follows the synced template.
 */
class FwmarkSyncTest {

    private static final long TICK = 100_000_000L;
    private static final SyncTuning NO_SWEEP = new SyncTuning(3, 50, 0, 0, 0, 1);
    private static final SyncSources LAB = new SyncSources(new int[0], new int[] {0xC6120000},
            new int[] {0xFFFE0000});
    private static final int MARK = 7;

    private final List<SyncSide> sides = new ArrayList<>();
    private final FrameParser parser = new FrameParser();

    @AfterEach
    void close() {
        sides.forEach(SyncSide::close);
    }

    private SyncSide side() throws Exception {
        SyncSide s = new SyncSide(Forwarding.directRoute(), 0, 64, NO_SWEEP, MARK);
        sides.add(s);
        return s;
    }

    private long forwardedTo(SyncSide side, int clientPort, int port, int flags) {
        byte[] out = side.feed(SyncSide.fromClient(clientPort, port, flags, flags == TcpHeader.SYN ? 0 : 10), MARK);
        if (out == null) {
            return 0;
        }
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(out), 0, out.length));
        return parser.ethernet().destination();
    }

    @Test
    void shouldSyncTheConnectionsAndTheTemplateOfAFwmarkServiceWithItsMark() throws Exception {
        SyncSide master = side();
        SyncSide backup = side();
        master.master(true).tick(TICK);
        long server = forwardedTo(master, 40000, 80, TcpHeader.SYN);
        for (int[] flow : new int[][] {{40000, 80}, {40001, 8080}}) {
            if (flow[0] != 40000) {
                assertEquals(server, forwardedTo(master, flow[0], flow[1], TcpHeader.SYN), "persistence on the master");
            }
            master.feed(SyncSide.fromClient(flow[0], flow[1], TcpHeader.ACK, 0), MARK);
            master.feed(SyncSide.fromClient(flow[0], flow[1], TcpHeader.ACK, 10), MARK);
        }
        master.tick(TICK);
        List<Integer> marks = new ArrayList<>();
        int templates = 0;
        for (byte[] d : master.datagrams) {
            for (int at = 8; at + 36 <= d.length; at += 36) { // IPv4 records of 36 bytes, no options
                SyncConnection r = new SyncConnection().wrap(MemorySegment.ofArray(d), at);
                marks.add(r.fwmark());
                templates += SyncFlags.isTemplate(r.flags()) ? 1 : 0;
            }
        }
        assertEquals(List.of(MARK), marks.stream().distinct().toList(), "every record names the mark: " + marks);
        assertEquals(4, marks.size(), "two connections, each with its template");
        assertEquals(2, templates);

        SyncIntake intake = new SyncIntake(0, LAB, backup.path.counters(), () -> false, 1,
                (loop, records, length) -> {
                    backup.path.installSynced(MemorySegment.ofArray(records), length);
                    return true;
                });
        for (byte[] d : master.datagrams) {
            intake.onDatagram(MemorySegment.ofArray(d), d.length, 0xC612000C);
        }
        assertEquals(3, backup.counter(DirectorCounter.SYNC_INSTALLED), "two connections and one template");
        assertEquals(0, backup.counter(DirectorCounter.SYNC_DROP_UNKNOWN_SERVICE));
        assertEquals(server, forwardedTo(backup, 40000, 80, TcpHeader.ACK), "the backup forwards where the master did");
        assertEquals(server, forwardedTo(backup, 40001, 8080, TcpHeader.ACK));
        assertEquals(0, backup.counter(DirectorCounter.NEW_CONNECTIONS), "nothing scheduled");
        assertEquals(server, forwardedTo(backup, 40002, 443, TcpHeader.SYN),
                "a new connection on another marked port follows the synced template");
        assertNotEquals(0, server);
    }
}
