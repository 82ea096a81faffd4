package io.lvs4j.transport.epoll.check.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.transport.epoll.FuzzInputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of what an HTTP_GET check reads from a real server: the
 * reply goes, cut in reads where the input says, through the check's pipeline
 * ({@link HttpExchange}'s raw tap, Netty's client codec, its decoded handler) and the connection
 * closes. Exactly one outcome must come out, a status with a digest or a clear error (the
 * codec's verdict or an early close), never an exception of our own; no exception may reach
 * the end of the pipeline and every buffer must be released.
 *
 * <p>The first byte of an input sets the size of the reads (1 to 64 bytes, 0 for one read);
 * the rest is the reply. In a normal build this replays the committed corpus
 * ({@code HttpReplyFuzzTestInputs}); {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class HttpReplyFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void judgesEveryReplyOnce(byte[] input) {
        if (input.length == 0) {
            return;
        }
        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
        List<HttpExchange.Outcome> outcomes = new ArrayList<>();
        HttpExchange exchange = new HttpExchange(outcomes::add);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(exchange.rawTap(), new HttpClientCodec(), exchange.decoded());
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        channel.releaseOutbound();
        int read = (input[0] & 0xFF) % 65;
        for (int at = 1; at < input.length && channel.isOpen(); at += read == 0 ? input.length : read) {
            int n = read == 0 ? input.length - 1 : Math.min(read, input.length - at);
            ByteBuf buf = allocator.heapBuffer(n);
            buf.writeBytes(input, at, n);
            channel.writeInbound(buf);
        }
        channel.finishAndReleaseAll();
        channel.checkException();
        assertEquals(1, outcomes.size(), "one outcome");
        HttpExchange.Outcome o = outcomes.getFirst();
        String error = o.error();
        assertTrue(error == null || error.equals("connection closed before a response")
                || error.startsWith("bad HTTP response: "), "a clear error: " + error);
        assertTrue(error != null || o.status() >= 0, "a status without an error");
        assertEquals(32, o.digest().length(), "an MD5 digest");
        assertEquals(0, allocator.metric().usedHeapMemory(), "every buffer released");
    }

    @Test
    void shouldJudgeEverySeedOnceAndKeepThemCommitted() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-content-length", reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"));
        seeds.put("seed-chunked", reply(7, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
        seeds.put("seed-http10-close", reply(3, "HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n\r\nbusy"));
        seeds.put("seed-continue", reply(64, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"));
        seeds.put("seed-headers-folded", reply(1, "HTTP/1.1 301 Moved\r\nLocation: /x\r\n  y\r\nContent-Length: 0\r\n\r\n"));
        for (byte[] seed : seeds.values()) {
            judgesEveryReplyOnce(seed);
        }
        FuzzInputs.committed(getClass(), "judgesEveryReplyOnce", seeds);
    }

    private static byte[] reply(int readSize, String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[1 + body.length];
        b[0] = (byte) readSize;
        System.arraycopy(body, 0, b, 1, body.length);
        return b;
    }
}
