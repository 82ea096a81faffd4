package io.lvs4j.core.check.internal;

import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;

import java.util.Locale;

/**
 * Virtual and real servers named as keepalived's checker names them in its log lines, so that
 * log-based alerts written for keepalived carry over: {@code [198.18.0.10]:tcp:80}, or
 * {@code FWM 7} for a firewall-mark service. Stateless.
 */
public final class KeepalivedNames {

    private KeepalivedNames() {
    }

    /**
     * @param vs a virtual service
     * @return {@code [198.18.0.10]:tcp:80}, or {@code FWM 7}
     */
    public static String virtualServer(VirtualService vs) {
        if (vs.isFwmark()) {
            return "FWM " + vs.fwmark();
        }
        return "[" + vs.address().getHostAddress() + "]:" + protocol(vs) + ":" + vs.port();
    }

    /**
     * @param vs the virtual service the server belongs to (its protocol names the server)
     * @param server a real server
     * @return {@code [198.18.0.11]:tcp:80}
     */
    public static String realServer(VirtualService vs, RealServer server) {
        return "[" + server.address().getHostAddress() + "]:" + protocol(vs) + ":" + server.port();
    }

    private static String protocol(VirtualService vs) {
        return vs.protocol().name().toLowerCase(Locale.ROOT);
    }
}
