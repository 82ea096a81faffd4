package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.DnsCheck;
import io.lvs4j.core.config.DnsCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The query of a {@link DnsCheck} through Netty's DNS codec, from a connected UDP socket;
 * {@link DnsReply} judges the replies.
 */
final class DnsProbe {

    private DnsProbe() {
    }

    static void start(DnsCheck check, CheckAttempt attempt, Bootstrap bootstrap) {
        DnsCheckConfig config = check.config();
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        int id = ThreadLocalRandom.current().nextInt(1, 65536);
        String name = config.name();
        String qname = name.endsWith(".") ? name : name + ".";
        DnsRecordType type = DnsRecordType.valueOf(config.queryType().name());
        ChannelFuture f = bootstrap.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new DatagramDnsQueryEncoder(), new DatagramDnsResponseDecoder(),
                        new DnsReply(id, attempt, remote));
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
}
