package io.lvs4j.transport.epoll;

import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.sync.SyncDropReason;
import io.lvs4j.core.sync.SyncFlags;
import io.lvs4j.core.sync.SyncMessageWriter;
import io.lvs4j.core.sync.SyncStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup takes a master's records as IPVS's does: installed on the loop that owns the flow,
 * with their real server, state and timeout, so that it forwards the connection where the master
 * did (NAT replies too, once the client is seen); and refuses, counting each cause, datagrams
 * from strangers, with another sync id, truncated, while it is master, and records of unknown
 * services or servers or beyond the table's capacity.
 */
class SyncReceiverTest {

    private static final long TICK = 100_000_000L;
    private static final SyncTuning NO_SWEEP = new SyncTuning(3, 50, 0, 0, 0, 1);
    private static final SyncSources LAB = new SyncSources(new int[0], new int[] {0xC6120000},
            new int[] {0xFFFE0000});
    private static final int STRANGER = 0x0A000001;

    private final List<SyncSide> sides = new ArrayList<>();
    private final FrameParser parser = new FrameParser();

    @AfterEach
    void close() {
        sides.forEach(SyncSide::close);
    }

    private SyncSide side(Forwarding forwarding, int serverPort, int capacity) throws Exception {
        SyncSide s = new SyncSide(forwarding, serverPort, capacity, NO_SWEEP);
        sides.add(s);
        return s;
    }

    private static SyncIntake intake(SyncSide backup, int syncId, boolean master) {
        return new SyncIntake(syncId, LAB, backup.path.counters(), () -> master, 1, (loop, records, length) -> {
            backup.path.installSynced(MemorySegment.ofArray(records), length);
            return true;
        });
    }

    private static void deliver(SyncIntake intake, List<byte[]> datagrams, int source) {
        for (byte[] d : datagrams) {
            intake.onDatagram(MemorySegment.ofArray(d), d.length, source);
        }
    }

    private static int ip(String address) throws Exception {
        return ByteBuffer.wrap(InetAddress.getByName(address).getAddress()).getInt();
    }

    private static final int MASTER_ADDRESS = 0xC612000C;

    /** Opens connections on a master and returns its datagrams. */
    private static List<byte[]> connections(SyncSide master, int first, int count) {
        master.master(true).tick(TICK);
        for (int c = first; c < first + count; c++) {
            master.feed(SyncSide.fromClient(c, TcpHeader.SYN, 0));
            master.feed(SyncSide.fromClient(c, TcpHeader.ACK, 0));
            master.feed(SyncSide.fromClient(c, TcpHeader.ACK, 10));
        }
        master.tick(TICK);
        return master.datagrams;
    }

    /** @return the destination MAC a side forwards a client's mid-flow segment to, or 0 if dropped */
    private long forwardedTo(SyncSide side, int clientPort) {
        byte[] out = side.feed(SyncSide.fromClient(clientPort, TcpHeader.ACK, 10));
        if (out == null) {
            return 0;
        }
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(out), 0, out.length));
        return parser.ethernet().destination();
    }

    private static byte[] datagram(int syncId, Consumer<SyncMessageWriter> fill) {
        List<byte[]> out = new ArrayList<>();
        SyncMessageWriter w = new SyncMessageWriter(syncId, 1472,
                (d, length) -> out.add(d.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
        fill.accept(w);
        w.flush();
        return out.getFirst();
    }

    private static void record(SyncMessageWriter w, int clientPort, int virtualPort, int server) throws Exception {
        w.add(false, false, 0, 0).protocol(6).flags(SyncFlags.DROUTE | SyncFlags.NOOUTPUT)
                .state(SyncStates.TCP_ESTABLISHED).clientPort(clientPort).virtualPort(virtualPort).destinationPort(80)
                .timeoutSeconds(900).addressesIpv4(ip(SyncSide.CLIENT), ip(SyncSide.VIP), server);
    }

    @Test
    void shouldInstallAMastersConnectionsSoTheBackupForwardsThemToTheSameServer() throws Exception {
        SyncSide master = side(Forwarding.directRoute(), 80, 64);
        SyncSide backup = side(Forwarding.directRoute(), 80, 64);
        List<byte[]> datagrams = connections(master, 40000, 6);
        SyncIntake intake = intake(backup, 0, false);
        deliver(intake, datagrams, MASTER_ADDRESS);
        assertEquals(6, backup.counter(DirectorCounter.SYNC_INSTALLED));
        assertEquals(6, backup.path.table(4).size());
        for (int c = 40000; c < 40006; c++) {
            long at = forwardedTo(backup, c);
            assertEquals(forwardedTo(master, c), at, "the backup forwards connection " + c + " where the master did");
        }
        assertEquals(0, backup.counter(DirectorCounter.NEW_CONNECTIONS), "nothing scheduled");
        deliver(intake, datagrams, MASTER_ADDRESS);
        assertEquals(6, backup.counter(DirectorCounter.SYNC_UPDATED), "the same records again update");
        assertEquals(6, backup.path.table(4).size());
        assertEquals(2L * datagrams.size(), intake.drops().get(SyncDropReason.NONE), "every datagram passed the decoder");
    }

    @Test
    void shouldRefuseDatagramsFromStrangersWithAnotherSyncIdOrTruncated() throws Exception {
        SyncSide master = side(Forwarding.directRoute(), 80, 64);
        SyncSide backup = side(Forwarding.directRoute(), 80, 64);
        byte[] d = connections(master, 40000, 2).getFirst();
        intake(backup, 0, false).onDatagram(MemorySegment.ofArray(d), d.length, STRANGER);
        assertEquals(1, backup.counter(DirectorCounter.SYNC_DROP_BAD_SOURCE));
        intake(backup, 9, false).onDatagram(MemorySegment.ofArray(d), d.length, MASTER_ADDRESS);
        assertEquals(1, backup.counter(DirectorCounter.SYNC_DROP_WRONG_SYNC_ID));
        SyncIntake any = intake(backup, 0, false);
        any.onDatagram(MemorySegment.ofArray(d), d.length - 1, MASTER_ADDRESS);
        any.onDatagram(MemorySegment.ofArray(d), 3, MASTER_ADDRESS);
        assertEquals(2, backup.counter(DirectorCounter.SYNC_DROP_MALFORMED));
        assertEquals(1, any.drops().get(SyncDropReason.SIZE_MISMATCH));
        assertEquals(1, any.drops().get(SyncDropReason.HEADER_TRUNCATED));
        assertEquals(0, backup.path.table(4).size(), "nothing installed");
        assertEquals(0, backup.counter(DirectorCounter.SYNC_INSTALLED));
    }

    @Test
    void shouldDropRecordsOfUnknownServicesAndServersAndBeyondTheTablesCapacity() throws Exception {
        SyncSide backup = side(Forwarding.directRoute(), 80, 2);
        int rs1 = ip(SyncSide.RS1);
        byte[] d = datagram(SyncSide.SYNC_ID, w -> {
            try {
                record(w, 50000, 81, rs1);                     // no service on port 81
                record(w, 50001, 80, ip("198.18.0.99"));       // not a server of the service
                for (int c = 0; c < 4; c++) {
                    record(w, 50010 + c, 80, rs1);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        intake(backup, SyncSide.SYNC_ID, false).onDatagram(MemorySegment.ofArray(d), d.length, MASTER_ADDRESS);
        assertEquals(1, backup.counter(DirectorCounter.SYNC_DROP_UNKNOWN_SERVICE));
        assertEquals(1, backup.counter(DirectorCounter.SYNC_DROP_UNKNOWN_SERVER));
        assertEquals(2, backup.counter(DirectorCounter.SYNC_INSTALLED));
        assertEquals(2, backup.counter(DirectorCounter.SYNC_DROP_TABLE_FULL), "a full table refuses the rest");
        assertEquals(2, backup.path.table(4).size());
    }

    @Test
    void shouldNeverTouchItsOwnEntriesWhileMasterAndBoundEachLoopsBacklog() throws Exception {
        SyncSide peer = side(Forwarding.directRoute(), 80, 64);
        SyncSide self = side(Forwarding.directRoute(), 80, 64);
        List<byte[]> datagrams = connections(peer, 40000, 3);
        connections(self, 40000, 3);
        int own = self.path.table(4).nextEntry(ConnectionTable.MISS);
        long deadline = self.path.table(4).deadline(own);
        self.tick(TICK);
        deliver(intake(self, 0, true), datagrams, MASTER_ADDRESS);
        assertEquals(datagrams.size(), self.counter(DirectorCounter.SYNC_DROP_WHILE_MASTER));
        assertEquals(0, self.counter(DirectorCounter.SYNC_UPDATED) + self.counter(DirectorCounter.SYNC_INSTALLED));
        assertEquals(deadline, self.path.table(4).deadline(own), "its own entry untouched");

        SyncSide backup = side(Forwarding.directRoute(), 80, 64);
        SyncIntake full = new SyncIntake(0, LAB, backup.path.counters(), () -> false, 1, (loop, r, n) -> false);
        deliver(full, datagrams, MASTER_ADDRESS);
        assertEquals(3, backup.counter(DirectorCounter.SYNC_DROP_BACKLOG));
        assertEquals(0, backup.path.table(4).size());
    }

    @Test
    void shouldNeverThrowNorOutgrowTheTableWhateverTheBytes() throws Exception {
        SyncSide master = side(Forwarding.directRoute(), 80, 256);
        SyncSide backup = side(Forwarding.directRoute(), 80, 16);
        byte[] valid = connections(master, 40000, 30).getFirst();
        SyncIntake intake = intake(backup, 0, false);
        java.util.Random random = new java.util.Random(15);
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            byte[] d = valid.clone();
            for (int n = random.nextInt(8); n >= 0; n--) {
                d[random.nextInt(d.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(10) == 0 ? random.nextInt(d.length + 1) : d.length;
            intake.onDatagram(MemorySegment.ofArray(d), length, MASTER_ADDRESS);
            backup.tick(TICK);
        }
        long decoded = 0;
        for (SyncDropReason reason : SyncDropReason.values()) {
            if (!reason.isRecordReason()) {
                decoded += intake.drops().get(reason);
            }
        }
        assertEquals(rounds, decoded, "every datagram counted once, passed or refused");
        assertEquals(rounds, backup.counter(DirectorCounter.SYNC_DATAGRAMS_RECEIVED));
        assertTrue(backup.path.table(4).size() <= 16, "never past the capacity");
        assertTrue(backup.counter(DirectorCounter.SYNC_INSTALLED) > 0, "some mutations are still valid records");
        assertTrue(backup.counter(DirectorCounter.SYNC_DROP_MALFORMED) > 0);
    }

    @Test
    void shouldSendNatRepliesOfSyncedConnectionsToTheirClientsMacOnceTheLoopHasSeenIt() throws Exception {
        SyncSide master = side(Forwarding.masquerade(), 8080, 64);
        SyncSide backup = side(Forwarding.masquerade(), 8080, 64);
        deliver(intake(backup, 0, false), connections(master, 40000, 2), MASTER_ADDRESS);
        assertEquals(2, backup.counter(DirectorCounter.SYNC_INSTALLED));
        assertNull(backup.feed(reply(backup, 40000)), "no client frame seen at all: no MAC to send it to");
        assertEquals(1, backup.counter(DirectorCounter.DROP_NAT_NO_CLIENT_MAC));
        long server = forwardedTo(backup, 40000);
        assertEquals(serverMac(backup, 40000), server, "the client's segment goes to the synced server");
        assertToClient(backup.feed(reply(backup, 40000)));
        assertToClient(backup.feed(reply(backup, 40001)));
        assertEquals(1, backup.counter(DirectorCounter.NAT_SYNCED_CLIENT_MAC),
                "the second connection's reply went to its client's MAC before its own client frame");
    }

    private void assertToClient(byte[] out) throws Exception {
        assertNotNull(out, "the reply goes back");
        parser.parse(MemorySegment.ofArray(out), 0, out.length);
        assertEquals(SyncSide.CLIENT_MAC, parser.ethernet().destination());
        assertEquals(ip(SyncSide.VIP), parser.ipv4().source());
        assertEquals(80, parser.sourcePort());
    }

    private static int entryOf(SyncSide side, int clientPort) {
        ConnectionTable table = side.path.table(4);
        for (int e = table.nextEntry(ConnectionTable.MISS); e != ConnectionTable.MISS; e = table.nextEntry(e)) {
            if (table.clientPort(e) == clientPort) {
                return e;
            }
        }
        throw new AssertionError("no entry of client port " + clientPort);
    }

    private static long serverMac(SyncSide side, int clientPort) throws Exception {
        int address = side.path.table(4).destinationAddressIpv4(entryOf(side, clientPort));
        return address == ip(SyncSide.RS1) ? SyncSide.RS1_MAC : SyncSide.RS2_MAC;
    }

    /** A real server's reply of a NAT connection, to the client. */
    private static byte[] reply(SyncSide side, int clientPort) throws Exception {
        int address = side.path.table(4).destinationAddressIpv4(entryOf(side, clientPort));
        String server = address == ip(SyncSide.RS1) ? SyncSide.RS1 : SyncSide.RS2;
        return new PacketBuilder().ethernet(serverMac(side, clientPort), SyncSide.DIRECTOR_MAC)
                .ipv4(server, SyncSide.CLIENT).tcp(8080, clientPort, TcpHeader.ACK).payload(new byte[20]).build();
    }
}
