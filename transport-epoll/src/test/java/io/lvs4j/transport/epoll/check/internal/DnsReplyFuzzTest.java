package io.lvs4j.transport.epoll.check.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckLoop;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.transport.epoll.FuzzInputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of what a DNS_CHECK reads from a real server: one datagram
 * through Netty's response decoder and {@link DnsReply}, for a query of ID 0x1234. A response
 * of that ID completes the attempt by its RCODE, one of another ID leaves it open, a datagram
 * the decoder cannot read fails it with a clear message; no exception reaches the end of the
 * pipeline and every buffer is released.
 *
 * <p>In a normal build this replays the committed corpus ({@code DnsReplyFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class DnsReplyFuzzTest {

    private static final int ID = 0x1234;
    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.13", 53);
    private static final InetSocketAddress CHECKER = new InetSocketAddress("198.18.0.12", 40000);

    @FuzzTest(maxDuration = "10m")
    void judgesEveryDatagram(byte[] datagram) {
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
        Attempt attempt = new Attempt();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new DatagramDnsResponseDecoder(), new DnsReply(ID, attempt, SERVER));
        ByteBuf content = allocator.heapBuffer(datagram.length).writeBytes(datagram);
        channel.writeInbound(new DatagramPacket(content, CHECKER, SERVER));
        channel.finishAndReleaseAll();
        channel.checkException();
        assertTrue(attempt.results.size() <= 1, "completed at most once");
        boolean ours = datagram.length >= 2 && ((datagram[0] & 0xFF) << 8 | (datagram[1] & 0xFF)) == ID;
        if (!attempt.results.isEmpty()) {
            CheckResult r = attempt.results.getFirst();
            assertTrue(r.up() ? ours && datagram.length >= 4 && (datagram[3] & 0x0F) == 0
                    : r.reason().startsWith("DNS rcode ") && ours || r.reason().startsWith("malformed DNS response from "),
                    "a verdict of its own reply, or a clear error: " + r);
        }
        assertEquals(0, allocator.metric().usedHeapMemory(), "every buffer released");
    }

    @Test
    void shouldJudgeEverySeedAndKeepThemCommitted() {
        HexFormat hex = HexFormat.of();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        // A response to "example.org. A" with one answer, as a resolver writes it.
        seeds.put("seed-answer", hex.parseHex("123481800001000100000000076578616d706c65036f72670000010001"
                + "c00c000100010000012c0004c6120007"));
        seeds.put("seed-nxdomain", hex.parseHex("123481830001000000000000076578616d706c65036f72670000010001"));
        seeds.put("seed-other-id", hex.parseHex("432181800001000000000000076578616d706c65036f72670000010001"));
        for (byte[] seed : seeds.values()) {
            judgesEveryDatagram(seed);
        }
        FuzzInputs.committed(getClass(), "judgesEveryDatagram", seeds);
    }

    @Test
    void shouldFailTheCheckOnAReplyTooShortForAHeader() {
        Attempt attempt = new Attempt();
        EmbeddedChannel channel = new EmbeddedChannel(new DatagramDnsResponseDecoder(), new DnsReply(ID, attempt, SERVER));
        channel.writeInbound(new DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {0x12, 0x34, (byte) 0x81}),
                CHECKER, SERVER));
        channel.finishAndReleaseAll();
        assertEquals(1, attempt.results.size());
        assertTrue(attempt.results.getFirst().reason().startsWith("malformed DNS response from "),
                attempt.results.getFirst().reason());
    }

    /** An attempt that records what completes it. */
    private static final class Attempt implements CheckAttempt {

        final List<CheckResult> results = new ArrayList<>();

        @Override
        public CheckLoop loop() {
            throw new UnsupportedOperationException("no loop in this test");
        }

        @Override
        public InetSocketAddress target() {
            return SERVER;
        }

        @Override
        public long remainingNanos() {
            return 1_000_000_000L;
        }

        @Override
        public boolean complete(CheckResult result) {
            if (!results.isEmpty()) {
                return false;
            }
            results.add(result);
            return true;
        }

        @Override
        public boolean isDone() {
            return !results.isEmpty();
        }

        @Override
        public void whenDone(Runnable cleanup) {
        }

        @Override
        public void resultAtDeadline(CheckResult result) {
        }
    }
}
