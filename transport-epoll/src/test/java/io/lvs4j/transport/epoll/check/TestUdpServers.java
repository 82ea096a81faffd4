package io.lvs4j.transport.epoll.check;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** UDP test servers: an echo with a reply prefix, and a DNS server with a chosen RCODE. */
final class TestUdpServers {

    private TestUdpServers() {
    }

    /** Answers "PONG:" + payload; can go silent or close (ICMP port unreachable). */
    static final class Echo implements AutoCloseable {
        private final EventLoopGroup group;
        private final InetSocketAddress address;
        private volatile boolean silent;
        private volatile Channel channel;

        Echo(EventLoopGroup group, String ip) {
            this.group = group;
            this.channel = bind(new InetSocketAddress(ip, 0));
            this.address = (InetSocketAddress) channel.localAddress();
        }

        InetSocketAddress address() {
            return address;
        }

        void silent(boolean s) {
            silent = s;
        }

        void closePort() {
            channel.close().syncUninterruptibly();
        }

        void openPort() {
            channel = bind(address);
        }

        private Channel bind(InetSocketAddress at) {
            return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            if (!silent) {
                                ByteBuf reply = Unpooled.buffer();
                                reply.writeCharSequence("PONG:", StandardCharsets.US_ASCII);
                                reply.writeBytes(p.content());
                                ctx.writeAndFlush(new DatagramPacket(reply, p.sender()));
                            }
                        }
                    }).bind(at).syncUninterruptibly().channel();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /** Answers every query with the chosen response code. */
    static final class Dns implements AutoCloseable {
        private final Channel channel;
        private volatile DnsResponseCode code = DnsResponseCode.NOERROR;
        private volatile String lastQuestion;

        Dns(EventLoopGroup group, String ip) {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                            lastQuestion = q.recordAt(DnsSection.QUESTION).toString();
                                            DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(),
                                                    q.id(), q.opCode(), code);
                                            ctx.writeAndFlush(r);
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress(ip, 0)).syncUninterruptibly().channel();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) channel.localAddress();
        }

        void code(DnsResponseCode c) {
            code = c;
        }

        String lastQuestion() {
            return lastQuestion;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }
}
