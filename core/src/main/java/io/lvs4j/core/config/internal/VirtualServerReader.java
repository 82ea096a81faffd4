package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.VirtualServerConfig;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.sched.Schedulers;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code virtual_server} blocks and their {@code real_server}s. */
final class VirtualServerReader {

    /** IPVS's schedulers, as {@code ipvsadm -s} names them. */
    static final Set<String> IPVS_SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "mh",
            "sed", "nq", "fo", "ovf", "twos");

    private static final Set<String> SCHEDULER_FLAGS = Set.of("flag-1", "flag-2", "flag-3", "sh-port",
            "sh-fallback", "mh-port", "mh-fallback");
    private static final Set<String> VS_KEYWORDS = Set.of("delay_loop", "lb_algo", "lvs_sched", "lb_kind",
            "lvs_method", "persistence_timeout", "persistence_granularity", "protocol", "quorum", "hysteresis",
            "quorum_up", "quorum_down", "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method",
            "inhibit_on_failure", "alpha", "omega", "ha_suspend", "ops", "flag-1", "flag-2", "flag-3", "sh-port",
            "sh-fallback", "mh-port", "mh-fallback", "virtualhost", "retry", "delay_before_retry", "warmup",
            "connect_timeout", "real_server");
    private static final Set<String> RS_KEYWORDS = Set.of("weight", "lvs_method", "uthreshold", "lthreshold",
            "inhibit_on_failure", "notify_up", "notify_down", "alpha", "retry", "delay_before_retry", "warmup",
            "connect_timeout", "delay_loop", "virtualhost", "TCP_CHECK", "HTTP_GET", "SSL_GET", "UDP_CHECK",
            "MISC_CHECK", "DNS_CHECK");
    private static final int MAX_PERSISTENCE_SECONDS = Integer.MAX_VALUE;

    private final Diagnostics diagnostics;
    private final CheckerReader checkers;
    private final Map<String, Statement> declared = new HashMap<>();

    VirtualServerReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.checkers = new CheckerReader(diagnostics);
    }

    /** Reads a virtual server; returns empty for a {@code virtual_server group}, which is skipped. */
    Optional<VirtualServerConfig> read(Statement decl) throws ConfigException {
        Token first = decl.arg(0, "an address and port, 'fwmark N' or 'group NAME'");
        VirtualServerConfig.Builder b;
        Optional<InetAddress> vip = Optional.empty();
        if (first.is("group")) {
            decl.arg(1, "a virtual_server_group name");
            decl.maxArgs(2);
            diagnostics.warn(decl.position(), "virtual_server group " + decl.args().get(1).text()
                    + " is skipped: virtual_server_group is not supported by lvs4j");
            decl.requireBlock();
            return Optional.empty();
        } else if (first.is("fwmark")) {
            int mark = Values.integer(decl.arg(1, "a firewall mark"), "fwmark", 1, Integer.MAX_VALUE);
            decl.maxArgs(2);
            b = VirtualServerConfig.fwmarkBuilder(mark);
        } else {
            InetAddress address = Values.address(first, "a virtual server");
            int port = decl.args().size() > 1 ? Values.port(decl.args().get(1), "virtual server port") : 0;
            decl.maxArgs(2);
            b = VirtualServerConfig.builder(address, port);
            vip = Optional.of(address);
        }
        CheckerReader.Inherited defaults = new CheckerReader.Inherited();
        boolean inhibit = false;
        Token persistence = null;
        Token protocolToken = null;
        Token opsToken = null;
        Statement sorry = null;
        ForwardingMethod sorryMethod = null;
        boolean sorryInhibit = false;
        List<Statement> realServers = new ArrayList<>();
        for (Statement s : decl.requireBlock()) {
            if (defaults.read(s)) {
                if (s.name().equals("delay_loop")) {
                    b.delayLoop(defaults.delayLoop);
                } else if (s.name().equals("alpha")) {
                    b.alpha(defaults.alpha);
                } else if (s.name().equals("virtualhost")) {
                    b.virtualhost(defaults.virtualhost);
                }
                continue;
            }
            switch (s.name()) {
                case "lb_algo", "lvs_sched" -> b.scheduler(scheduler(GlobalDefsReader.single(s, "a scheduler")));
                case "lb_kind", "lvs_method" -> b.forwarding(forwarding(s));
                case "persistence_timeout" -> {
                    s.noBlock();
                    s.maxArgs(1);
                    persistence = s.keyword();
                    b.persistenceTimeout(s.args().isEmpty() ? VirtualServerConfig.DEFAULT_PERSISTENCE_TIMEOUT
                            : Duration.ofSeconds(Values.integer(s.args().getFirst(), "persistence_timeout", 0,
                                    MAX_PERSISTENCE_SECONDS)));
                }
                case "persistence_granularity" -> b.persistenceGranularity(Values.prefixLength(
                        GlobalDefsReader.single(s, "a netmask"), "persistence_granularity"));
                case "protocol" -> {
                    protocolToken = GlobalDefsReader.single(s, "TCP, UDP or SCTP");
                    b.protocol(switch (protocolToken.text()) {
                        case "TCP" -> Protocol.TCP;
                        case "UDP" -> Protocol.UDP;
                        case "SCTP" -> Protocol.SCTP;
                        default -> throw new ConfigException(protocolToken.position(),
                                "protocol must be TCP, UDP or SCTP, not " + protocolToken.describe());
                    });
                }
                case "quorum" -> b.quorum(Values.integer(GlobalDefsReader.single(s, "a weight"), "quorum", 0,
                        Integer.MAX_VALUE));
                case "hysteresis" -> b.hysteresis(Values.integer(GlobalDefsReader.single(s, "a weight"),
                        "hysteresis", 0, Integer.MAX_VALUE));
                case "quorum_up" -> b.quorumUp(VrrpReader.notify(s));
                case "quorum_down" -> b.quorumDown(VrrpReader.notify(s));
                case "sorry_server" -> sorry = s;
                case "sorry_server_inhibit" -> sorryInhibit = Values.optionalBool(s, 0);
                case "sorry_server_lvs_method" -> sorryMethod = forwarding(s);
                case "inhibit_on_failure" -> {
                    inhibit = Values.optionalBool(s, 0);
                    b.inhibitOnFailure(inhibit);
                }
                case "omega" -> b.omega(Values.optionalBool(s, 0));
                case "ha_suspend" -> b.haSuspend(Values.optionalBool(s, 0));
                case "ops" -> {
                    opsToken = s.keyword();
                    b.onePacketScheduling(Values.optionalBool(s, 0));
                }
                case "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback" -> {
                    s.noBlock();
                    s.maxArgs(0);
                    b.schedulerFlag(s.name());
                }
                case "real_server" -> realServers.add(s);
                default -> Keywords.other(s, "virtual_server", Keywords.VIRTUAL_SERVER, VS_KEYWORDS, diagnostics);
            }
        }
        if (sorry != null) {
            sorry.noBlock();
            InetAddress address = Values.address(sorry.arg(0, "an address"), "sorry_server");
            int port = sorry.args().size() > 1 ? Values.port(sorry.args().get(1), "sorry_server port") : 0;
            sorry.maxArgs(2);
            b.sorryServer(new SorryServerConfig(address, port, Optional.ofNullable(sorryMethod), sorryInhibit));
        }
        Map<String, Statement> servers = new HashMap<>();
        for (Statement rs : realServers) {
            RealServerConfig server = realServer(rs, defaults, inhibit, vip);
            Statement previous = servers.putIfAbsent(server.address().getHostAddress() + " " + server.port(), rs);
            if (previous != null) {
                throw new ConfigException(rs.position(), "real_server " + server.address().getHostAddress() + " "
                        + server.port() + " is already declared at " + previous.position());
            }
            b.realServer(server);
        }
        VirtualServerConfig vs;
        try {
            vs = b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(blame(e, decl, persistence, opsToken, protocolToken), e.getMessage(), e);
        }
        String key = vs.isFwmark() ? "fwmark " + vs.fwmark()
                : vs.protocol() + " " + vs.address().orElseThrow().getHostAddress() + " " + vs.port();
        Statement previous = declared.putIfAbsent(key, decl);
        if (previous != null) {
            throw new ConfigException(decl.position(), "virtual_server " + vs.displayName()
                    + " is already declared at " + previous.position());
        }
        return Optional.of(vs);
    }

    private static io.lvs4j.core.config.SourcePosition blame(IllegalArgumentException e, Statement decl,
            Token persistence, Token ops, Token protocol) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("ops") && ops != null) {
            return ops.position();
        }
        if (m.contains("persistent") && persistence != null) {
            return persistence.position();
        }
        if (m.contains("protocol") && protocol != null) {
            return protocol.position();
        }
        return decl.position();
    }

    private String scheduler(Token t) throws ConfigException {
        if (IPVS_SCHEDULERS.contains(t.text()) || Schedulers.names().contains(t.text())) {
            return t.text();
        }
        Set<String> known = new TreeSet<>(IPVS_SCHEDULERS);
        known.addAll(Schedulers.names());
        throw new ConfigException(t.position(), "unknown scheduler " + t.describe() + "; known: "
                + String.join(" ", known));
    }

    /** Reads {@code lb_kind NAT|DR|TUN [type ipip]|FNAT}. */
    static ForwardingMethod forwarding(Statement s) throws ConfigException {
        s.noBlock();
        Token t = s.arg(0, "NAT, DR, TUN or FNAT");
        ForwardingMethod method = switch (t.text()) {
            case "NAT" -> ForwardingMethod.MASQUERADE;
            case "DR" -> ForwardingMethod.DIRECT_ROUTE;
            case "TUN" -> ForwardingMethod.TUNNEL;
            case "FNAT" -> ForwardingMethod.FULL_NAT;
            default -> throw new ConfigException(t.position(), s.name() + " must be NAT, DR, TUN or FNAT (lvs4j's"
                    + " full-NAT), not " + t.describe());
        };
        if (method == ForwardingMethod.TUNNEL && s.args().size() > 1) {
            Token type = s.args().get(1);
            if (!type.is("type")) {
                throw new ConfigException(type.position(), "expected 'type' after TUN, not " + type.describe());
            }
            Token kind = s.arg(2, "a tunnel type");
            if (kind.is("gue") || kind.is("gre")) {
                throw new ConfigException(kind.position(), "tunnel type " + kind.text()
                        + " is not supported by lvs4j; only ipip");
            }
            if (!kind.is("ipip")) {
                throw new ConfigException(kind.position(), "tunnel type must be ipip, gue or gre, not "
                        + kind.describe());
            }
            s.maxArgs(3);
        } else {
            s.maxArgs(1);
        }
        return method;
    }

    private RealServerConfig realServer(Statement decl, CheckerReader.Inherited vsDefaults, boolean vsInhibit,
            Optional<InetAddress> vip) throws ConfigException {
        Token addressToken = decl.arg(0, "an address");
        InetAddress address = Values.address(addressToken, "a real server");
        int port = decl.args().size() > 1 ? Values.port(decl.args().get(1), "real server port") : 0;
        decl.maxArgs(2);
        RealServerConfig.Builder b = RealServerConfig.builder(address, port);
        CheckerReader.Inherited defaults = vsDefaults.copy();
        b.inhibitOnFailure(vsInhibit);
        List<Statement> checkerBlocks = new ArrayList<>();
        boolean tunnel = false;
        List<Statement> body = decl.block() == null ? List.of() : decl.block().statements();
        for (Statement s : body) {
            if (defaults.read(s)) {
                continue;
            }
            switch (s.name()) {
                case "weight" -> b.weight(Values.integer(GlobalDefsReader.single(s, "a weight"), "weight", 0,
                        io.lvs4j.core.model.RealServer.MAX_WEIGHT));
                case "lvs_method" -> {
                    ForwardingMethod m = forwarding(s);
                    tunnel = m == ForwardingMethod.TUNNEL;
                    b.forwarding(m);
                }
                case "uthreshold" -> b.upperThreshold(Values.integer(GlobalDefsReader.single(s, "a count"),
                        "uthreshold", 0, Integer.MAX_VALUE));
                case "lthreshold" -> b.lowerThreshold(Values.integer(GlobalDefsReader.single(s, "a count"),
                        "lthreshold", 0, Integer.MAX_VALUE));
                case "inhibit_on_failure" -> b.inhibitOnFailure(Values.optionalBool(s, 0));
                case "notify_up" -> b.notifyUp(VrrpReader.notify(s));
                case "notify_down" -> b.notifyDown(VrrpReader.notify(s));
                default -> {
                    if (CheckerReader.CHECKERS.contains(s.name())) {
                        checkerBlocks.add(s);
                    } else {
                        Keywords.other(s, "real_server", Keywords.REAL_SERVER, RS_KEYWORDS, diagnostics);
                    }
                }
            }
        }
        if (vip.isPresent() && !tunnel && (vip.get() instanceof Inet4Address) != (address instanceof Inet4Address)) {
            throw new ConfigException(addressToken.position(), "real server " + address.getHostAddress()
                    + " is not of the virtual server's address family (only tunnelled servers may differ)");
        }
        for (Statement c : checkerBlocks) {
            b.checker(checkers.read(c, defaults));
        }
        return VrrpReader.build(decl, b::build);
    }
}
