package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.Scripts;
import io.lvs4j.core.config.CheckerConfig;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.DnsCheckConfig;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.MiscCheckConfig;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.Script;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.UdpCheckConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.RealServer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The health checking of one real server. The server is up when all its checkers are up (and
 * always, if it has none), as in keepalived.
 *
 * @param server the server, with its configured weight
 * @param checkers its checkers
 * @param inhibitOnFailure on failure set weight 0 (keeping existing connections) instead of
 *     removing the server
 * @param notifyUp {@code notify_up} command (program and arguments), empty for none
 * @param notifyDown {@code notify_down} command, empty for none
 */
public record ServerChecks(RealServer server, List<Checker> checkers, boolean inhibitOnFailure,
        List<String> notifyUp, List<String> notifyDown) {

    /** Copies the lists. */
    public ServerChecks {
        Objects.requireNonNull(server, "server");
        checkers = List.copyOf(checkers);
        notifyUp = List.copyOf(notifyUp);
        notifyDown = List.copyOf(notifyDown);
    }

    /**
     * The checks a {@code real_server} block describes, with the defaults its
     * {@code virtual_server} gives: {@code inhibit_on_failure}, {@code alpha} and the HTTP
     * {@code virtualhost}.
     *
     * @param rs the real server's block
     * @param vs the virtual server it belongs to
     * @return the checks
     */
    public static ServerChecks from(RealServerConfig rs, VirtualServerConfig vs) {
        List<Checker> checkers = rs.checkers().stream().map(c -> Checker.of(withDefaults(c, vs))).toList();
        return new ServerChecks(rs.toRealServer(vs), checkers, rs.inhibitOnFailure() || vs.inhibitOnFailure(),
                words(rs.notifyUp()), words(rs.notifyDown()));
    }

    static List<String> words(Optional<Script> script) {
        return script.map(s -> Scripts.split(s.command())).orElse(List.of());
    }

    private static CheckerConfig withDefaults(CheckerConfig c, VirtualServerConfig vs) {
        if (c instanceof HttpGetCheckConfig h && h.virtualhost().isEmpty() && vs.virtualhost().isPresent()) {
            c = new HttpGetCheckConfig(h.ssl(), h.timing(), h.urls(), h.httpProtocol(), vs.virtualhost(),
                    h.enableSni(), h.sniName(), h.fastRecovery());
        }
        if (!vs.alpha() || c.timing().alpha()) {
            return c;
        }
        CheckerTiming t = c.timing();
        CheckerTiming alpha = new CheckerTiming(t.connectIp(), t.connectPort(), t.bindTo(), t.bindPort(),
                t.connectTimeout(), t.retry(), t.delayBeforeRetry(), t.delayLoop(), t.warmup(), true, t.rise(),
                t.fall());
        return switch (c) {
            case TcpCheckConfig x -> new TcpCheckConfig(alpha);
            case HttpGetCheckConfig x -> new HttpGetCheckConfig(x.ssl(), alpha, x.urls(), x.httpProtocol(),
                    x.virtualhost(), x.enableSni(), x.sniName(), x.fastRecovery());
            case UdpCheckConfig x -> new UdpCheckConfig(alpha, x.payload(),
                    x.requireReply(), x.replyPattern(), x.minReplyLength(), x.maxReplyLength());
            case MiscCheckConfig x -> new MiscCheckConfig(alpha, x.script(),
                    x.timeout(), x.dynamic());
            case DnsCheckConfig x -> new DnsCheckConfig(alpha,
                    x.queryType(), x.name());
        };
    }

    /**
     * @param server the server
     * @param checkers its checkers
     * @return checks that remove the server on failure, with no scripts
     */
    public static ServerChecks of(RealServer server, Checker... checkers) {
        return new ServerChecks(server, List.of(checkers), false, List.of(), List.of());
    }

    /**
     * @param inhibit whether to set weight 0 instead of removing the server
     * @return these checks with another {@code inhibit_on_failure}
     */
    public ServerChecks withInhibitOnFailure(boolean inhibit) {
        return new ServerChecks(server, checkers, inhibit, notifyUp, notifyDown);
    }

    /**
     * @param up the {@code notify_up} command, empty for none
     * @param down the {@code notify_down} command, empty for none
     * @return these checks with other notify scripts
     */
    public ServerChecks withNotify(List<String> up, List<String> down) {
        return new ServerChecks(server, checkers, inhibitOnFailure, up, down);
    }
}
