package io.lvs4j.core.check;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * keepalived's {@code TCP_CHECK}: the server is up if a TCP connection opens before the
 * deadline. The connection is closed at once (with a reset, so no TIME_WAIT piles up).
 *
 * @param connectTo {@code connect_ip}/{@code connect_port}, or null for the real server itself
 * @param bindTo {@code bindto}/{@code bind_port}, or null for any local address
 */
public record TcpCheck(InetSocketAddress connectTo, InetSocketAddress bindTo) implements HealthCheck {

    /** @return a check of the real server's own address and port */
    public static TcpCheck ofRealServer() {
        return new TcpCheck(null, null);
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = connectTo != null ? connectTo : attempt.target();
        ChannelFuture f = attempt.tcpBootstrap().handler(new ChannelInboundHandlerAdapter())
                .connect(remote, bindTo);
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> attempt.complete(done.isSuccess()
                ? CheckResult.success()
                : CheckResult.failure("connect to " + remote + " failed: " + done.cause())));
    }

    @Override
    public String name() {
        return "TCP_CHECK";
    }
}
