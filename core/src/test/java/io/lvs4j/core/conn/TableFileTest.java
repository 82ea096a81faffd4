package io.lvs4j.core.conn;

import static io.lvs4j.core.conn.ConnectionTableTest.S;
import static io.lvs4j.core.conn.ConnectionTableTest.assertCounters;
import static io.lvs4j.core.packet.TcpHeader.ACK;
import static io.lvs4j.core.packet.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table kept in a file: what a second process finds after the first stopped or was killed
 * (simulated by copying the file while the first still has it mapped: the copy holds every
 * write, as the file does after a {@code kill -9}), and which files it refuses.
 */
class TableFileTest {

    static final int TCP = 6;
    static final int UDP = 17;
    static final int CLIENT = 0xC6120001;       // 198.18.0.1
    static final int VIP = 0xC6120064;          // 198.18.0.100
    static final int RS1 = 0xC6120107;          // 198.18.1.7
    static final int RS2 = 0xC6120108;          // 198.18.1.8

    /** A restart clock the test moves: the time the director is down. */
    static final class Boot implements RestartClock {
        long now = 5_000 * S;
        long epoch = 77;

        @Override
        public long nanos() {
            return now;
        }

        @Override
        public long epoch() {
            return epoch;
        }
    }

    /** One run of a director: its own table clock origin, registry and counters. */
    final class Run implements AutoCloseable {
        final ConnectionTableTest.ManualClock clock;
        final ConnectionCounters rs1 = new ConnectionCounters();
        final ConnectionCounters rs2 = new ConnectionCounters();
        final DestinationRegistry registry = new DestinationRegistry(8);
        final ConnectionTable table;

        Run(Path file, long clockOrigin, long owner, int capacity, DestinationResolver resolver) {
            clock = new ConnectionTableTest.ManualClock(clockOrigin);
            registry.register(1, rs1, 1);
            registry.register(2, rs2, 1);
            ConnectionTableBuilder b = ConnectionTable.builder().capacity(capacity).clock(clock).registry(registry)
                    .seed(clockOrigin).file(file, owner).restartClock(boot);
            if (resolver != null) {
                b.resolver(resolver);
            }
            table = b.build();
            runs.add(this);
        }

        Run(Path file, long clockOrigin) {
            this(file, clockOrigin, 1, 64, null);
        }

        int established(int clientPort, int destination, ForwardingMethod method) {
            int e = table.insert(flow.ipv4(TCP, CLIENT, clientPort, VIP, 80).server(destination == 1 ? RS1 : RS2,
                    80), destination, method, ConnectionTable.MISS);
            table.onTcpPacket(e, PacketDirection.INPUT, SYN);
            table.onTcpPacket(e, PacketDirection.INPUT, ACK);
            return e;
        }

        int find(int protocol, int clientPort) {
            return table.lookup(flow.ipv4(protocol, CLIENT, clientPort, VIP, 80));
        }

        /** Time passes for the table's clock and the restart clock alike. */
        void advance(long nanos) {
            clock.advance(nanos);
            boot.now += nanos;
            table.expire();
        }

        long left(int e) {
            return table.deadline(e) - table.now();
        }

        @Override
        public void close() {
            if (runs.remove(this)) {
                table.close();
            }
        }
    }

    @TempDir
    Path dir;
    final Boot boot = new Boot();
    final FlowTuple flow = new FlowTuple();
    final List<Run> runs = new ArrayList<>();

    @AfterEach
    void closeAll() {
        new ArrayList<>(runs).forEach(Run::close);
    }

    /** The file as a kill -9 leaves it: every write of the live run, not closed. */
    Path killed(Path file) throws IOException {
        Path copy = dir.resolve(file.getFileName() + "-after-kill");
        Files.copy(file, copy);
        return copy;
    }

    @Test
    void shouldKeepConnectionsStatesServersAndTimeLeftAcrossAKill() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        int dr = first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        int nat = first.established(40001, 2, ForwardingMethod.MASQUERADE);
        int syn = first.table.insert(flow.ipv4(TCP, CLIENT, 40002, VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        first.table.onTcpPacket(syn, PacketDirection.INPUT, SYN);
        int udp = first.table.insert(flow.ipv4(UDP, CLIENT, 53000, VIP, 80).server(RS2, 80), 2,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        first.table.onPacket(udp);
        first.advance(30 * S);
        assertEquals(870 * S, first.left(dr));
        assertCounters(first.rs1, 1, 1);
        Path after = killed(file);

        boot.now += 10 * S; // down for 10 s
        Run second = new Run(after, 7 * S);
        assertEquals(4, second.table.keptEntries());
        assertEquals(4, second.table.size());
        int dr2 = second.find(TCP, 40000);
        assertEquals(1, second.table.destination(dr2));
        assertEquals(TcpState.ESTABLISHED, second.table.state(dr2));
        assertEquals(860 * S, second.left(dr2));
        int nat2 = second.find(TCP, 40001);
        assertEquals(2, second.table.destination(nat2));
        assertEquals(nat2, second.table.lookupReply(flow.ipv4(TCP, CLIENT, 40001, VIP, 80).server(RS2, 80)));
        assertEquals(TcpState.SYN_RECV, second.table.state(second.find(TCP, 40002)));
        assertEquals(20 * S, second.left(second.find(TCP, 40002)));
        assertEquals(260 * S, second.left(second.find(UDP, 53000)));
        assertCounters(second.rs1, 1, 1);
        assertCounters(second.rs2, 1, 1);
        assertEquals(dr, dr2);
        assertEquals(nat, nat2);

        second.advance(860 * S);
        assertEquals(ConnectionTable.MISS, second.find(TCP, 40000));
        assertCounters(second.rs1, 0, 0);
    }

    @Test
    void shouldDropWhatExpiredWhileDownAndReuseEveryFreeRecord() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S, 1, 8, null);
        first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        int udp = first.table.insert(flow.ipv4(UDP, CLIENT, 53000, VIP, 80).server(RS2, 80), 2,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
        first.table.onPacket(udp);
        first.established(40001, 1, ForwardingMethod.DIRECT_ROUTE);
        Path after = killed(file);

        boot.now += 301 * S; // UDP's 300 s have passed, TCP's 900 s not
        Run second = new Run(after, 0, 1, 8, null);
        assertEquals(2, second.table.keptEntries());
        assertEquals(ConnectionTable.MISS, second.find(UDP, 53000));
        int inserted = 0;
        for (int port = 50000; second.table.insert(flow.ipv4(TCP, CLIENT, port, VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS) != ConnectionTable.MISS; port++) {
            inserted++;
        }
        assertEquals(6, inserted);
        assertNotEquals(ConnectionTable.MISS, second.find(TCP, 40000));
        assertNotEquals(ConnectionTable.MISS, second.find(TCP, 40001));
    }

    @Test
    void shouldKeepTemplatesWithTheirConnectionsAfterACleanStop() {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        int t = first.table.insertTemplate(flow.ipv4(TCP, CLIENT, 0, VIP, 80).server(RS2, 80), 32, 2, 600);
        int e = first.table.insert(flow.ipv4(TCP, CLIENT, 40000, VIP, 80).server(RS2, 80), 2,
                ForwardingMethod.DIRECT_ROUTE, t);
        first.table.onTcpPacket(e, PacketDirection.INPUT, SYN);
        first.table.onTcpPacket(e, PacketDirection.INPUT, ACK);
        first.close();

        Run second = new Run(file, 0);
        assertEquals(2, second.table.keptEntries());
        int t2 = second.table.lookupTemplate(flow.ipv4(TCP, CLIENT, 0, VIP, 80), 32);
        assertEquals(2, second.table.destination(t2));
        assertEquals(t2, second.table.controllingTemplate(second.find(TCP, 40000)));
        assertEquals(600, second.table.templateTimeoutSeconds(t2));
        // the template outlives its 600 s while it controls the connection
        second.advance(601 * S);
        assertNotEquals(ConnectionTable.MISS, second.table.lookupTemplate(flow.ipv4(TCP, CLIENT, 0, VIP, 80), 32));
    }

    @Test
    void shouldMapKeptEntriesToTheServersIdsOfThisRun() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        first.established(40001, 2, ForwardingMethod.DIRECT_ROUTE);
        Path after = killed(file);

        // this run gave RS1 id 2 and has no RS2 any more
        Run second = new Run(after, 0, 1, 64,
                (f, template, id) -> f.serverAddressIpv4() == RS1 ? 2 : -1);
        assertEquals(1, second.table.keptEntries());
        assertEquals(2, second.table.destination(second.find(TCP, 40000)));
        assertEquals(ConnectionTable.MISS, second.find(TCP, 40001));
        assertCounters(second.rs2, 1, 0);
        assertCounters(second.rs1, 0, 0);
    }

    @Test
    void shouldDropMalformedAndDuplicateRecordsAndKeepTheRest() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        int a = first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        int b = first.established(40001, 1, ForwardingMethod.DIRECT_ROUTE);
        int c = first.established(40002, 1, ForwardingMethod.DIRECT_ROUTE);
        int d = first.established(40003, 1, ForwardingMethod.DIRECT_ROUTE);
        Path after = killed(file);
        int size = first.table.recordSize();
        try (RandomAccessFile raf = new RandomAccessFile(after.toFile(), "rw")) {
            long base = TableFile.HEADER_BYTES;
            raf.seek(base + (long) a * size + ConnectionRecord.STATE_OFFSET);
            raf.write(99); // no such state
            raf.seek(base + (long) b * size + ConnectionRecord.FLAGS_OFFSET);
            raf.write(new byte[] {(byte) 0xFF, (byte) 0xFF}); // unknown flags
            raf.seek(base + (long) c * size + ConnectionRecord.DESTINATION_OFFSET);
            raf.write(new byte[] {5, 0, 0, 0}); // an id nobody has
            // d's key copied into a free record: a half-written insert
            byte[] record = new byte[size];
            raf.seek(base + (long) d * size);
            raf.readFully(record);
            raf.seek(base + 4L * size);
            raf.write(record);
            raf.seek(TableFile.HIGH_WATER_OFFSET);
            raf.write(new byte[] {5, 0, 0, 0});
        }
        Run second = new Run(after, 0);
        assertEquals(1, second.table.keptEntries());
        assertEquals(1, second.table.size());
        assertEquals(d, second.find(TCP, 40003));
        assertCounters(second.rs1, 1, 0);
        second.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        assertEquals(2, second.table.size());
    }

    @Test
    void shouldSurviveRandomGarbageInTheRecords() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        for (int port = 40000; port < 40040; port++) {
            first.established(port, 1 + port % 2, ForwardingMethod.MASQUERADE);
        }
        Path after = killed(file);
        SplittableRandom random = new SplittableRandom(42);
        try (RandomAccessFile raf = new RandomAccessFile(after.toFile(), "rw")) {
            for (int i = 0; i < 400; i++) {
                raf.seek(TableFile.HEADER_BYTES + random.nextInt(40 * first.table.recordSize()));
                raf.write(random.nextInt(256));
            }
        }
        Run second = new Run(after, 0);
        long kept = second.table.size();
        assertEquals(second.table.keptEntries(), kept);
        // every kept entry is found by its own key, and the table fills up and drains cleanly
        for (int e = second.table.nextEntry(ConnectionTable.MISS); e != ConnectionTable.MISS;
                e = second.table.nextEntry(e)) {
            if ((second.table.flags(e) & ConnectionTable.FLAG_TEMPLATE) == 0) {
                assertEquals(e, second.table.lookup(second.table.flow(e, flow)));
            }
        }
        int added = 0;
        for (int port = 1; second.table.insert(flow.ipv4(TCP, 0xC6130001, port, VIP, 80).server(RS1, 80), 1,
                ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS) != ConnectionTable.MISS; port++) {
            added++;
        }
        assertEquals(64 - kept, added);
        for (int i = 0; i < 4; i++) { // past the longest timeout a record can claim (65535 s)
            second.advance(70_000 * S);
        }
        assertEquals(0, second.table.size());
        assertCounters(second.rs1, 0, 0);
        assertCounters(second.rs2, 0, 0);
    }

    @Test
    void shouldDeferTheRecoveryUntilAskedAndLetNewerEntriesWin() throws IOException {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S, 1, 4, null);
        first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        first.established(40001, 1, ForwardingMethod.DIRECT_ROUTE);
        Path after = killed(file);

        ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);
        DestinationRegistry registry = new DestinationRegistry(8);
        ConnectionCounters rs1 = new ConnectionCounters();
        ConnectionCounters rs2 = new ConnectionCounters();
        try (ConnectionTable table = ConnectionTable.builder().capacity(4).clock(clock).registry(registry)
                .file(after, 1).restartClock(boot).deferRecovery().build()) {
            assertEquals(true, table.recoveryPending());
            assertEquals(0, table.size());
            assertEquals(ConnectionTable.MISS, table.nextEntry(ConnectionTable.MISS), "set aside: not listed");
            // before the servers are known: a new connection with a kept one's key, and another
            registry.register(2, rs2, 1);
            int fresh = table.insert(flow.ipv4(TCP, CLIENT, 40001, VIP, 80).server(RS2, 80), 2,
                    ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
            table.insert(flow.ipv4(TCP, CLIENT, 40002, VIP, 80).server(RS2, 80), 2,
                    ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS);
            registry.register(1, rs1, 1);
            assertEquals(1, table.recoverKept());
            assertEquals(0, table.recoverKept());
            assertEquals(3, table.entries().size());
            assertEquals(3, table.size());
            assertEquals(fresh, table.lookup(flow.ipv4(TCP, CLIENT, 40001, VIP, 80)));
            assertEquals(1, table.destination(table.lookup(flow.ipv4(TCP, CLIENT, 40000, VIP, 80))));
            assertCounters(rs1, 1, 0);
            assertCounters(rs2, 0, 2);
            // the dropped duplicate's record is free again: the table holds 4
            assertNotEquals(ConnectionTable.MISS, table.insert(flow.ipv4(TCP, CLIENT, 40003, VIP, 80).server(RS2, 80),
                    2, ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS));
            assertEquals(ConnectionTable.MISS, table.insert(flow.ipv4(TCP, CLIENT, 40004, VIP, 80).server(RS2, 80),
                    2, ForwardingMethod.DIRECT_ROUTE, ConnectionTable.MISS));
        }
    }

    @Test
    void shouldRefuseAForeignFile() throws IOException {
        Path file = dir.resolve("table");
        byte[] noise = new byte[TableFile.HEADER_BYTES + 64 * 48];
        new SplittableRandom(1).nextBytes(noise);
        Files.write(file, noise);
        assertStartsEmpty(file, 64, 1);
    }

    @Test
    void shouldRefuseATruncatedFile() throws IOException {
        for (long length : new long[] {100, TableFile.HEADER_BYTES + 10 * 48}) {
            Path file = dir.resolve("truncated-" + length);
            Path after = keptWithOneConnection(file);
            try (RandomAccessFile raf = new RandomAccessFile(after.toFile(), "rw")) {
                raf.setLength(length);
            }
            assertStartsEmpty(after, 64, 1);
        }
    }

    @Test
    void shouldRefuseACorruptHeader() throws IOException {
        Path after = keptWithOneConnection(dir.resolve("table"));
        try (RandomAccessFile raf = new RandomAccessFile(after.toFile(), "rw")) {
            raf.seek(48); // the clock anchor: only the checksum notices
            raf.write(0x5A);
        }
        assertStartsEmpty(after, 64, 1);
    }

    @Test
    void shouldRefuseAnotherCapacityOwnerOrBoot() throws IOException {
        assertStartsEmpty(keptWithOneConnection(dir.resolve("a")), 128, 1);
        assertStartsEmpty(keptWithOneConnection(dir.resolve("b")), 64, 2);
        Path c = keptWithOneConnection(dir.resolve("c"));
        boot.epoch = 78;
        assertStartsEmpty(c, 64, 1);
    }

    @Test
    void shouldLeaveATableInMemoryWhenItsFileIsLocked() {
        Path file = dir.resolve("table");
        Run first = new Run(file, 1_000 * S);
        first.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        Run second = new Run(file, 0);
        assertNull(second.table.file());
        assertEquals(0, second.table.size());
        second.established(40000, 2, ForwardingMethod.DIRECT_ROUTE);
        assertEquals(1, first.table.destination(first.find(TCP, 40000)));
    }

    @Test
    void shouldRefuseAFileForAFullNatTable() {
        ConnectionTableBuilder b = ConnectionTable.builder().registry(new DestinationRegistry(2))
                .file(dir.resolve("t"), 1).fullNat((memory, address, port, id) -> { });
        assertThrows(IllegalStateException.class, b::build);
    }

    private Path keptWithOneConnection(Path file) throws IOException {
        Run run = new Run(file, 1_000 * S);
        run.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        Path after = killed(file);
        run.close();
        return after;
    }

    private void assertStartsEmpty(Path file, int capacity, long owner) throws IOException {
        Run run = new Run(file, 0, owner, capacity, null);
        assertEquals(file, run.table.file());
        assertEquals(0, run.table.keptEntries());
        assertEquals(0, run.table.size());
        run.established(40000, 1, ForwardingMethod.DIRECT_ROUTE);
        assertEquals(1, run.table.size());
        assertEquals(TableFile.HEADER_BYTES + (long) capacity * run.table.recordSize(), Files.size(file));
        run.close();
    }
}
