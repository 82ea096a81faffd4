package io.lvs4j.benchmarks.sync;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.sync.SyncConnection;
import io.lvs4j.core.sync.SyncConnectionHandler;
import io.lvs4j.core.sync.SyncDefaults;
import io.lvs4j.core.sync.SyncDropReason;
import io.lvs4j.core.sync.SyncFlags;
import io.lvs4j.core.sync.SyncMessageReader;
import io.lvs4j.core.sync.SyncMessageWriter;
import io.lvs4j.core.sync.SyncStates;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sync codec as a master and a backup use it: one IPv4 connection record written into the
 * datagram in progress (every 40th write sends a full 1472-byte datagram to a sink that only
 * counts), and one full datagram of 40 records checked and read field by field.
 */
public class SyncCodecBenchmark extends AbstractBenchmark {

    private Arena arena;
    private MemorySegment buffer;
    private SyncMessageWriter writer;
    private MemorySegment datagram;
    private int datagramLength;
    private SyncMessageReader reader;
    private long sent;
    private long sum;
    private int port;
    private final SyncConnectionHandler handler = (c, o) -> sum += c.clientPort() + c.state() + c.timeoutSeconds()
            + c.clientAddressIpv4() + c.destinationAddressIpv4() + c.flags();

    /** Builds the writer and a datagram to read. */
    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        int maxlen = SyncDefaults.masterMaxlen(false, 0);
        buffer = arena.allocate(SyncMessageWriter.bufferSize(maxlen));
        writer = new SyncMessageWriter(1, maxlen, buffer, (d, length) -> sent += length);
        datagram = arena.allocate(maxlen);
        SyncMessageWriter filler = new SyncMessageWriter(1, maxlen, (d, length) -> {
            MemorySegment.copy(d, 0, datagram, 0, length);
            datagramLength = length;
        });
        for (int i = 0; i < 41; i++) {
            write(filler, i);
        }
        reader = new SyncMessageReader(1, new LoopCounters<>(SyncDropReason.class));
    }

    /** Frees the memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private static void write(SyncMessageWriter w, int i) {
        SyncConnection c = w.add(false, false, 0, 0);
        c.protocol(SyncStates.PROTOCOL_TCP).flags(SyncFlags.DROUTE | SyncFlags.NOOUTPUT)
                .state(SyncStates.TCP_ESTABLISHED).clientPort(1024 + i).virtualPort(80).destinationPort(80)
                .timeoutSeconds(900).addressesIpv4(0xC6120000 + i, 0xC6120064, 0xC612010B);
    }

    /** @return bytes sent so far */
    @Benchmark
    @HotPath
    public long writeRecord() {
        write(writer, port++ & 0x7FFF);
        return sent;
    }

    /** @return the sum of the fields read */
    @Benchmark
    @HotPath
    public long readDatagram() {
        reader.read(datagram, 0, datagramLength, handler);
        return sum;
    }
}
