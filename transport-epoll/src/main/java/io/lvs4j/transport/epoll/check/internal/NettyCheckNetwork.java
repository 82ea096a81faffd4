package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckNetwork;
import io.lvs4j.core.check.DnsCheck;
import io.lvs4j.core.check.HttpGetCheck;
import io.lvs4j.core.check.TcpCheck;
import io.lvs4j.core.check.UdpCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * The checkers' network I/O on one Netty event loop, with the channel types the loop serves.
 * Each probe is a class of its own; this one hands them bootstraps on the loop.
 *
 * <p>Threading: the probes start on the loop; so must the bootstraps be used.
 */
final class NettyCheckNetwork implements CheckNetwork {

    private final EventLoop loop;
    private final Transport transport;

    NettyCheckNetwork(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    /**
     * Returns a bootstrap for a TCP connection on the loop, with a connect timeout of the time the
     * attempt has left and SO_LINGER 0, so that closing resets the connection (no TIME_WAIT).
     */
    Bootstrap tcpBootstrap(CheckAttempt attempt) {
        int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(attempt.remainingNanos()));
        return new Bootstrap().group(loop).channel(transport.socketType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .option(ChannelOption.SO_LINGER, 0);
    }

    /** Returns a bootstrap for a UDP socket on the loop. */
    Bootstrap udpBootstrap() {
        return new Bootstrap().group(loop).channel(transport.datagramType());
    }

    @Override
    public void tcp(TcpCheck check, CheckAttempt attempt) {
        TcpProbe.start(check, attempt, tcpBootstrap(attempt));
    }

    @Override
    public void httpGet(HttpGetCheck check, CheckAttempt attempt) {
        new HttpGetProbe(check, attempt, this).fetch(0);
    }

    @Override
    public void udp(UdpCheck check, CheckAttempt attempt) {
        UdpProbe.start(check, attempt, udpBootstrap());
    }

    @Override
    public void dns(DnsCheck check, CheckAttempt attempt) {
        DnsProbe.start(check, attempt, udpBootstrap());
    }
}
