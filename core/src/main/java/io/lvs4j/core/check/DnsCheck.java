package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Endpoints;
import io.lvs4j.core.config.DnsCheckConfig;
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
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * keepalived's {@code DNS_CHECK}: a query of {@code type} for {@code name} over UDP; the server
 * is up if a response with the query's ID comes back with RCODE 0 (NOERROR). Answers with
 * another ID, and malformed datagrams, are ignored until the deadline, as keepalived does; an
 * ICMP port unreachable means down.
 *
 * @param config the checker block: type, name, connection options and timing
 */
public record DnsCheck(DnsCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public DnsCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        int id = ThreadLocalRandom.current().nextInt(1, 65536);
        String name = config.name();
        String qname = name.endsWith(".") ? name : name + ".";
        DnsRecordType type = DnsRecordType.valueOf(config.queryType().name());
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
                            }
                        });
            }
        }).connect(remote, Endpoints.local(config.timing()));
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.complete(CheckResult.failure("UDP connect to " + remote + " failed: " + done.cause()));
                return;
            }
            DatagramDnsQuery q = new DatagramDnsQuery((InetSocketAddress) ch.localAddress(), remote, id);
            q.setRecursionDesired(true);
            q.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(qname, type));
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
