package io.lvs4j.core.check;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * keepalived's {@code DNS_CHECK}: a query of {@code type} for {@code name} over UDP; the server
 * is up if a response with the query's ID comes back with RCODE 0 (NOERROR). Answers with
 * another ID, and queries, are ignored until the deadline, as keepalived does; an ICMP port
 * unreachable means down.
 *
 * @param type the query type, such as {@code SOA} (keepalived's default) or {@code A}
 * @param name the name to query, such as {@code .} (keepalived's default)
 * @param connectTo {@code connect_ip}/{@code connect_port}, or null for the real server itself
 * @param bindTo {@code bindto}/{@code bind_port}, or null for any local address
 */
public record DnsCheck(String type, String name, InetSocketAddress connectTo, InetSocketAddress bindTo)
        implements HealthCheck {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the type is unknown
     */
    public DnsCheck {
        type = type.toUpperCase(Locale.ROOT);
        Objects.requireNonNull(name, "name");
        DnsRecordType.valueOf(type);
    }

    /**
     * @param type the query type
     * @param name the name
     * @return a check of the real server itself
     */
    public static DnsCheck of(String type, String name) {
        return new DnsCheck(type, name, null, null);
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = connectTo != null ? connectTo : attempt.target();
        int id = ThreadLocalRandom.current().nextInt(1, 65536);
        String qname = name.endsWith(".") ? name : name + ".";
        ChannelFuture f = attempt.udpBootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new DatagramDnsQueryEncoder(), new DatagramDnsResponseDecoder(),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                try {
                                    if (msg instanceof DatagramDnsResponse r && r.id() == id) {
                                        attempt.complete(r.code() == DnsResponseCode.NOERROR
                                                ? CheckResult.success()
                                                : CheckResult.failure("DNS rcode " + r.code()));
                                    }
                                } finally {
                                    ReferenceCountUtil.release(msg);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                if (cause instanceof PortUnreachableException) {
                                    attempt.complete(CheckResult.failure("ICMP port unreachable from " + remote));
                                }
                                // A malformed datagram is ignored, as keepalived ignores it.
                            }
                        });
            }
        }).connect(remote, bindTo);
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.complete(CheckResult.failure("UDP connect to " + remote + " failed: " + done.cause()));
                return;
            }
            DatagramDnsQuery q = new DatagramDnsQuery((InetSocketAddress) ch.localAddress(), remote, id);
            q.setRecursionDesired(true);
            q.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(qname, DnsRecordType.valueOf(type)));
            ch.writeAndFlush(q).addListener(w -> {
                if (!w.isSuccess()) {
                    attempt.complete(CheckResult.failure("DNS query to " + remote + " failed: " + w.cause()));
                }
            });
        });
    }

    @Override
    public String name() {
        return "DNS_CHECK";
    }
}
