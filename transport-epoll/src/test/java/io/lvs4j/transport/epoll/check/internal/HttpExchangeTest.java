package io.lvs4j.transport.epoll.check.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpExchangeTest {

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static HttpExchange.Outcome exchange(String... parts) {
        AtomicReference<HttpExchange.Outcome> out = new AtomicReference<>();
        HttpExchange x = new HttpExchange(out::set);
        EmbeddedChannel ch = new EmbeddedChannel(x.rawTap(), new HttpClientCodec(), x.decoded());
        // The client codec pairs responses with requests: send one first.
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        ch.releaseOutbound();
        for (String p : parts) {
            ch.writeInbound(Unpooled.copiedBuffer(p, StandardCharsets.ISO_8859_1));
        }
        ch.finish();
        return out.get();
    }

    @Test
    void shouldDigestTheBodyUpToContentLengthAcrossReads() throws Exception {
        HttpExchange.Outcome o = exchange("HTTP/1.1 200 OK\r\nContent-Length: 11\r", "\n\r\nhello", " world");
        assertEquals(200, o.status());
        assertNull(o.error());
        assertEquals(md5("hello world"), o.digest());
    }

    @Test
    void shouldDigestChunkFramingAsGenhashDoes() throws Exception {
        String body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        HttpExchange.Outcome o = exchange("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        assertEquals(md5(body), o.digest());
    }

    @Test
    void shouldReportTheStatusOfAnErrorResponse() throws Exception {
        HttpExchange.Outcome o = exchange("HTTP/1.0 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
        assertEquals(500, o.status());
        assertEquals(md5("oops"), o.digest());
    }

    @Test
    void shouldReportAnErrorWhenTheConnectionClosesBeforeAResponse() {
        HttpExchange.Outcome o = exchange("HTTP/1.1 2");
        assertEquals("connection closed before a response", o.error());
    }
}
