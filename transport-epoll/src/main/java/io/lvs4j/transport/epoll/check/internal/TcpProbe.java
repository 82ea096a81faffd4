package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.TcpCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/** The connection of a {@link TcpCheck}: up if it opens, closed at once either way. */
final class TcpProbe {

    private TcpProbe() {
    }

    static void start(TcpCheck check, CheckAttempt attempt, Bootstrap bootstrap) {
        InetSocketAddress remote = Endpoints.remote(check.config().timing(), attempt.target());
        ChannelFuture f = bootstrap.handler(new ChannelInboundHandlerAdapter())
                .connect(remote, Endpoints.local(check.config().timing()));
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> attempt.complete(done.isSuccess()
                ? CheckResult.success()
                : CheckResult.failure("connect to " + remote + " failed: " + done.cause())));
    }
}
