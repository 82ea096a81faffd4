package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.UdpCheck;
import io.lvs4j.core.config.UdpCheckConfig;
import io.netty.bootstrap.Bootstrap;
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

/**
 * The datagram of a {@link UdpCheck}, from a connected socket so that an ICMP port unreachable
 * comes back as an error; a reply, when one is required, is judged by {@link UdpCheck#judge}.
 */
final class UdpProbe {

    private UdpProbe() {
    }

    static void start(UdpCheck check, CheckAttempt attempt, Bootstrap bootstrap) {
        UdpCheckConfig config = check.config();
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        byte[] payload = config.payloadBytes().orElse(new byte[0]);
        ChannelFuture f = bootstrap.handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    ByteBuf data = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
                    if (config.requireReply()) {
                        attempt.complete(check.judge(data.nioBuffer()));
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
}
