package io.lvs4j.core.check;

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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * keepalived's {@code UDP_CHECK}: a datagram with {@code payload} goes to the server from a
 * connected socket. An ICMP port unreachable (the socket's {@code ECONNREFUSED}) means down.
 * Without {@code require_reply}, silence until the deadline means up; with it, a reply must
 * come whose length is within {@code min_reply_length}..{@code max_reply_length} and whose first
 * bytes match {@code replyData} on the bits not set in {@code replyMask} (keepalived's hex
 * pattern with mask).
 *
 * @param payload the bytes to send (may be empty)
 * @param requireReply whether a matching reply is needed
 * @param replyData the expected leading bytes of the reply (may be empty)
 * @param replyMask bits to ignore in each byte of {@code replyData}, or null for none
 * @param minReplyLength the shortest acceptable reply
 * @param maxReplyLength the longest acceptable reply
 * @param connectTo {@code connect_ip}/{@code connect_port}, or null for the real server itself
 * @param bindTo {@code bindto}/{@code bind_port}, or null for any local address
 */
public record UdpCheck(byte[] payload, boolean requireReply, byte[] replyData, byte[] replyMask,
        int minReplyLength, int maxReplyLength, InetSocketAddress connectTo, InetSocketAddress bindTo)
        implements HealthCheck {

    /**
     * Copies and checks the values.
     *
     * @throws IllegalArgumentException if the mask is longer than the data or the lengths are
     *     inconsistent
     */
    public UdpCheck {
        payload = payload.clone();
        replyData = replyData.clone();
        replyMask = replyMask == null ? null : replyMask.clone();
        if (replyMask != null && replyMask.length != replyData.length) {
            throw new IllegalArgumentException("reply mask must be as long as the reply data");
        }
        if (minReplyLength < 0 || maxReplyLength < minReplyLength) {
            throw new IllegalArgumentException("bad reply lengths " + minReplyLength + ".." + maxReplyLength);
        }
    }

    /**
     * A check that needs a reply starting with the given bytes.
     *
     * @param payload the bytes to send
     * @param expectedPrefix the bytes the reply must start with
     * @return the check
     */
    public static UdpCheck expecting(byte[] payload, byte[] expectedPrefix) {
        return new UdpCheck(payload, true, expectedPrefix, null, 0, 65507, null, null);
    }

    /**
     * A check that is up unless the port is unreachable (keepalived without {@code require_reply}).
     *
     * @param payload the bytes to send
     * @return the check
     */
    public static UdpCheck unlessUnreachable(byte[] payload) {
        return new UdpCheck(payload, false, new byte[0], null, 0, 65507, null, null);
    }

    /** @return a copy of the payload */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** @return a copy of the expected reply bytes */
    @Override
    public byte[] replyData() {
        return replyData.clone();
    }

    /** @return a copy of the mask, or null */
    @Override
    public byte[] replyMask() {
        return replyMask == null ? null : replyMask.clone();
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = connectTo != null ? connectTo : attempt.target();
        if (!requireReply) {
            attempt.resultAtDeadline(CheckResult.success());
        }
        ChannelFuture f = attempt.udpBootstrap().handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf data = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                    attempt.complete(judge(data));
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
        }).connect(remote, bindTo);
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

    private CheckResult judge(ByteBuf data) {
        int len = data.readableBytes();
        if (len < minReplyLength || len > maxReplyLength) {
            return CheckResult.failure("reply of " + len + " bytes outside " + minReplyLength + ".." + maxReplyLength);
        }
        int n = Math.min(len, replyData.length);
        for (int i = 0; i < n; i++) {
            int ignore = replyMask == null ? 0 : replyMask[i];
            if (((data.getByte(data.readerIndex() + i) ^ replyData[i]) & ~ignore & 0xff) != 0) {
                return CheckResult.failure("reply does not match at byte " + i);
            }
        }
        return CheckResult.success();
    }

    @Override
    public String name() {
        return "UDP_CHECK";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpCheck u && requireReply == u.requireReply && minReplyLength == u.minReplyLength
                && maxReplyLength == u.maxReplyLength && Arrays.equals(payload, u.payload)
                && Arrays.equals(replyData, u.replyData) && Arrays.equals(replyMask, u.replyMask)
                && Objects.equals(connectTo, u.connectTo) && Objects.equals(bindTo, u.bindTo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(payload), requireReply, Arrays.hashCode(replyData),
                Arrays.hashCode(replyMask), minReplyLength, maxReplyLength, connectTo, bindTo);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "UdpCheck[payload=" + hex.formatHex(payload) + ", requireReply=" + requireReply + ", replyData="
                + hex.formatHex(replyData) + ", replyMask=" + (replyMask == null ? "none" : hex.formatHex(replyMask))
                + ", length=" + minReplyLength + ".." + maxReplyLength + ", connectTo=" + connectTo
                + ", bindTo=" + bindTo + "]";
    }
}
