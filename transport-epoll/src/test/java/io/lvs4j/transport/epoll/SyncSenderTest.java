package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.TcpHeader;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncDropReason;
import io.lvs4j.core.sync.SyncFlags;
import io.lvs4j.core.sync.SyncMessageReader;
import io.lvs4j.core.sync.SyncStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A master's loop sends what IPVS's would: a connection at its third incoming packet and every
 * fiftieth after, batched into datagrams of at most maxlen, flushed by the tick; nothing while
 * backup; and its sweep re-sends idle connections at the configured pace.
 */
class SyncSenderTest {

    private static final long TICK = 100_000_000L;
    private static final SyncTuning NO_SWEEP = new SyncTuning(3, 50, 0, 0, 0, 1);

    private SyncSide side;

    /** What one decoded record says. */
    record Sent(int protocol, int flags, int state, int clientPort, int virtualPort, int serverPort, long timeout,
            int client, int virtual, int server) {
    }

    @AfterEach
    void close() {
        side.close();
    }

    private static List<Sent> decode(List<byte[]> datagrams) {
        List<Sent> all = new ArrayList<>();
        SyncMessageReader reader = new SyncMessageReader(SyncSide.SYNC_ID, new LoopCounters<>(SyncDropReason.class));
        for (byte[] d : datagrams) {
            assertTrue(d.length <= SyncSide.MAXLEN, "a datagram of " + d.length + " bytes");
            SyncDropReason reason = reader.read(MemorySegment.ofArray(d), 0, d.length, (c, o) ->
                    all.add(new Sent(c.protocol(), c.flags(), c.state(), c.clientPort(), c.virtualPort(),
                            c.destinationPort(), c.timeoutSeconds(), c.clientAddressIpv4(), c.virtualAddressIpv4(),
                            c.destinationAddressIpv4())));
            assertEquals(SyncDropReason.NONE, reason);
        }
        return all;
    }

    private static int ip(String address) throws Exception {
        return ByteBuffer.wrap(InetAddress.getByName(address).getAddress()).getInt();
    }

    /** Opens a connection and sends it {@code packets} packets in all (SYN first). */
    private void connect(int clientPort, int packets) {
        side.feed(SyncSide.fromClient(clientPort, TcpHeader.SYN, 0));
        for (int i = 1; i < packets; i++) {
            side.feed(SyncSide.fromClient(clientPort, TcpHeader.ACK, i == 1 ? 0 : 10));
        }
    }

    @Test
    void shouldSendAnEstablishedConnectionAtItsThirdPacketWithWhatIpvsSends() throws Exception {
        side = new SyncSide(Forwarding.directRoute(), 80, 64, NO_SWEEP).master(true);
        side.tick(TICK);
        connect(40000, 2);
        side.tick(TICK);
        assertEquals(List.of(), side.datagrams, "SYN and ACK: not yet");
        side.feed(SyncSide.fromClient(40000, TcpHeader.ACK, 10));
        assertEquals(List.of(), side.datagrams, "batched until the tick");
        side.tick(TICK);
        List<Sent> sent = decode(side.datagrams);
        int server = side.path.table(4).destinationAddressIpv4(side.path.table(4).nextEntry(-1));
        assertTrue(server == ip(SyncSide.RS1) || server == ip(SyncSide.RS2));
        assertEquals(List.of(new Sent(6, SyncFlags.DROUTE | SyncFlags.NOOUTPUT, SyncStates.TCP_ESTABLISHED, 40000, 80,
                80, 900, ip(SyncSide.CLIENT), ip(SyncSide.VIP), server)), sent);
        assertEquals(1, side.counter(DirectorCounter.SYNC_RECORDS_SENT));
        assertEquals(1, side.counter(DirectorCounter.SYNC_DATAGRAMS_SENT));
        for (int i = 4; i <= 53; i++) {
            side.feed(SyncSide.fromClient(40000, TcpHeader.ACK, 10));
        }
        side.tick(TICK);
        assertEquals(2, decode(side.datagrams).size(), "again at packet 53");
        side.feed(SyncSide.fromClient(40000, TcpHeader.FIN | TcpHeader.ACK, 0));
        side.tick(TICK);
        List<Sent> closing = decode(side.datagrams);
        assertEquals(SyncStates.TCP_FIN_WAIT, closing.getLast().state(), "a change into FIN_WAIT at once");
    }

    @Test
    void shouldBatchRecordsIntoDatagramsOfAtMostMaxlen() throws Exception {
        side = new SyncSide(Forwarding.directRoute(), 80, 256, NO_SWEEP).master(true);
        side.tick(TICK);
        for (int c = 0; c < 100; c++) {
            connect(40000 + c, 3);
        }
        assertEquals(2, side.datagrams.size(), "two full datagrams went out before the tick");
        assertEquals(8 + 40 * 36, side.datagrams.get(0).length, "40 IPv4 records fill 1472 bytes");
        side.tick(TICK);
        assertEquals(3, side.datagrams.size());
        List<Sent> sent = decode(side.datagrams);
        assertEquals(100, sent.size());
        assertEquals(100, sent.stream().map(Sent::clientPort).distinct().count());
        assertEquals(50, sent.stream().filter(s -> s.server() == sent.getFirst().server()).count(), "rr over two");
    }

    @Test
    void shouldSendNothingWhileBackupAndSweepTheTableOnceMaster() throws Exception {
        side = new SyncSide(Forwarding.directRoute(), 80, 64, new SyncTuning(3, 50, 0, 0, 10 * TICK, 5));
        for (int c = 0; c < 12; c++) {
            connect(41000 + c, 5);
        }
        connect(42000, 1); // still opening: never swept
        side.tick(TICK);
        assertEquals(List.of(), side.datagrams, "a backup sends nothing");
        side.master(true);
        side.tick(TICK);
        assertEquals(5, decode(side.datagrams).size(), "becoming master starts a sweep: 5 records a tick");
        side.tick(TICK);
        side.tick(TICK);
        side.tick(TICK);
        List<Sent> swept = decode(side.datagrams);
        assertEquals(12, swept.size(), "each established connection once, the opening one never");
        assertEquals(12, swept.stream().map(Sent::clientPort).distinct().count());
        for (int i = 0; i < 6; i++) {
            side.tick(TICK);
        }
        assertEquals(12, decode(side.datagrams).size(), "nothing until an interval has passed");
        side.tick(TICK);
        assertEquals(12 + 5, decode(side.datagrams).size(), "the next sweep starts an interval after the last");
    }
}
