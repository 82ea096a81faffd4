package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.config.CheckerTiming;
import java.net.InetSocketAddress;

/** Where a checker connects from and to: keepalived's connect_ip/port and bindto/bind_port. */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * @param timing the checker's options
     * @param server the real server's address and port
     * @return the address to probe
     */
    public static InetSocketAddress remote(CheckerTiming timing, InetSocketAddress server) {
        return timing.target(server.getAddress(), server.getPort());
    }

    /**
     * @param timing the checker's options
     * @return the local address to bind, or null for any
     */
    public static InetSocketAddress local(CheckerTiming timing) {
        if (timing.bindTo().isPresent()) {
            return new InetSocketAddress(timing.bindTo().get(), timing.bindPort());
        }
        return timing.bindPort() != 0 ? new InetSocketAddress(timing.bindPort()) : null;
    }
}
