package io.lvs4j.transport.epoll.check.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * One HTTP GET of a health check. Netty's codec decodes the status line and headers; the body
 * is digested as keepalived's {@code genhash} does: MD5 over the raw bytes after the blank line
 * that ends the headers (chunk framing included, as keepalived does not de-chunk), stopped at
 * {@code Content-Length} when there is one.
 *
 * <p>Two handlers share this state: {@link #rawTap()} sits before the HTTP codec and sees raw
 * bytes, {@link #decoded()} after it. Not thread-safe: one channel, one loop.
 */
public final class HttpExchange {

    /** What the exchange found. */
    public record Outcome(int status, String digest, String error) {
    }

    private final MessageDigest md5;
    private final Consumer<Outcome> done;
    private int headerMatch;
    private boolean inBody;
    private long contentLength = -1;
    private long bodyBytes;
    private int status = -1;
    private boolean complete;
    private boolean reported;

    /**
     * @param done told once, with the outcome
     */
    public HttpExchange(Consumer<Outcome> done) {
        this.done = done;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** @return the handler to put before the HTTP codec */
    public ChannelInboundHandlerAdapter rawTap() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof ByteBuf buf)) {
                    ctx.fireChannelRead(msg);
                    return;
                }
                ByteBuf view = buf.retainedDuplicate();
                try {
                    ctx.fireChannelRead(msg);
                    if (view.hasArray()) {
                        raw(view.array(), view.arrayOffset() + view.readerIndex(), view.readableBytes());
                    } else {
                        byte[] copy = new byte[view.readableBytes()];
                        view.getBytes(view.readerIndex(), copy);
                        raw(copy, 0, copy.length);
                    }
                } finally {
                    view.release();
                }
                if (complete) {
                    report(null);
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                ctx.fireChannelInactive();
                report(status < 0 ? "connection closed before a response" : null);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                report(cause.toString());
                ctx.close();
            }
        };
    }

    /** @return the handler to put after the HTTP codec */
    public ChannelInboundHandlerAdapter decoded() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof HttpResponse r) {
                        status = r.status().code();
                        if (r.decoderResult().isFailure()) {
                            report("bad HTTP response: " + r.decoderResult().cause());
                        } else {
                            contentLength(r);
                        }
                    }
                    if (msg instanceof LastHttpContent) {
                        complete = true;
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        };
    }

    /** Reads Content-Length; a value that is not a number is the server's error, judged at once. */
    private void contentLength(HttpResponse r) {
        try {
            contentLength = HttpUtil.getContentLength(r, -1L);
        } catch (NumberFormatException e) {
            report("bad HTTP response: Content-Length is not a number: " + e.getMessage());
        }
    }

    private void raw(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (!inBody && i < end) {
            byte c = b[i++];
            headerMatch = switch (headerMatch) {
                case 0, 2 -> c == '\r' ? headerMatch + 1 : 0;
                case 1, 3 -> c == '\n' ? headerMatch + 1 : (c == '\r' ? 1 : 0);
                default -> 0;
            };
            if (headerMatch == 4) {
                inBody = true;
            }
        }
        if (inBody && i < end) {
            long n = end - i;
            if (contentLength >= 0) {
                n = Math.min(n, Math.max(0, contentLength - bodyBytes));
            }
            md5.update(b, i, (int) n);
            bodyBytes += n;
        }
    }

    private void report(String error) {
        if (reported) {
            return;
        }
        reported = true;
        done.accept(new Outcome(status, HexFormat.of().formatHex(md5.digest()), error));
    }
}
