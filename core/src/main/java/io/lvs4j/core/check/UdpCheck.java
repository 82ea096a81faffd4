package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Endpoints;
import io.lvs4j.core.config.UdpCheckConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.Objects;

/**
 * keepalived's {@code UDP_CHECK}: a datagram with {@code payload} goes to the server from a
 * connected socket. An ICMP port unreachable (the socket's {@code ECONNREFUSED}) means down.
 * Without {@code require_reply}, silence until the deadline means up; with it, a reply must
 * come whose length is within {@code min_reply_length}..{@code max_reply_length} and whose first
 * bytes match the reply pattern (hex; an {@code x} matches any nibble), as in keepalived.
 *
 * @param config the checker block: payload, require_reply, reply lengths, connection options
 *     and timing
 */
public record UdpCheck(UdpCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public UdpCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        if (!config.requireReply()) {
            attempt.resultAtDeadline(CheckResult.success());
        }
        byte[] payload = config.payloadBytes().orElse(new byte[0]);
        ChannelFuture f = attempt.udpBootstrap().handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf data = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                    if (config.requireReply()) {
                        attempt.complete(judge(data));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (cause instanceof PortUnreachableException) {
                    attempt.complete(CheckResult.failure("ICMP port unreachable from " + remote));
                } else {
                    attempt.complete(CheckResult.failure("UDP error: " + cause));
                }
            }
        }).connect(remote, Endpoints.local(config.timing()));
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> {
            if (done.isSuccess()) {
                ch.writeAndFlush(Unpooled.wrappedBuffer(payload)).addListener(w -> {
                    if (!w.isSuccess()) {
                        attempt.complete(CheckResult.failure("send to " + remote + " failed: " + w.cause()));
                    }
                });
            } else {
                attempt.complete(CheckResult.failure("UDP connect to " + remote + " failed: " + done.cause()));
            }
        });
    }

    /**
     * Judges a reply as keepalived does.
     *
     * @param data the reply
     * @return success if its length is in range and its leading bytes match the pattern
     */
    CheckResult judge(ByteBuf data) {
        int len = data.readableBytes();
        if (len < config.minReplyLength() || len > config.maxReplyLength()) {
            return CheckResult.failure("reply of " + len + " bytes outside " + config.minReplyLength() + ".."
                    + config.maxReplyLength());
        }
        String pattern = config.replyPattern().orElse("");
        int n = Math.min(len, pattern.length() / 2);
        for (int i = 0; i < n; i++) {
            int b = data.getByte(data.readerIndex() + i) & 0xff;
            if (!nibble(pattern.charAt(2 * i), b >>> 4) || !nibble(pattern.charAt(2 * i + 1), b & 0xf)) {
                return CheckResult.failure("reply does not match at byte " + i);
            }
        }
        return CheckResult.success();
    }

    private static boolean nibble(char want, int got) {
        return want == 'x' || Character.digit(want, 16) == got;
    }

    @Override
    public String name() {
        return "UDP_CHECK";
    }
}
