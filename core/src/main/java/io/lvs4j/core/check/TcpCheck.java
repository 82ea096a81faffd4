package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Endpoints;
import io.lvs4j.core.config.TcpCheckConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * keepalived's {@code TCP_CHECK}: the server is up if a TCP connection opens before the
 * deadline. The connection is closed at once (with a reset, so no TIME_WAIT piles up).
 *
 * @param config the checker block: connect_ip/port, bindto/bind_port and timing
 */
public record TcpCheck(TcpCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public TcpCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        ChannelFuture f = attempt.tcpBootstrap().handler(new ChannelInboundHandlerAdapter())
                .connect(remote, Endpoints.local(config.timing()));
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
