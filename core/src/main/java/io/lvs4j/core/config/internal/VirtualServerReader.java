package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.LocalAddressGroupConfig;
import io.lvs4j.core.config.RealServerConfig;
import io.lvs4j.core.config.SorryServerConfig;
import io.lvs4j.core.config.TunnelConfig;
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
            "connect_timeout", "real_server", "laddr_group_name");
    private static final Set<String> RS_KEYWORDS = Set.of("weight", "lvs_method", "uthreshold", "lthreshold",
            "inhibit_on_failure", "notify_up", "notify_down", "alpha", "retry", "delay_before_retry", "warmup",
            "connect_timeout", "delay_loop", "virtualhost", "TCP_CHECK", "HTTP_GET", "SSL_GET", "UDP_CHECK",
            "MISC_CHECK", "DNS_CHECK");
    private static final int MAX_PERSISTENCE_SECONDS = Integer.MAX_VALUE;

    private final Diagnostics diagnostics;
    private final CheckerReader checkers;
    private final Map<String, Statement> declared = new HashMap<>();
    private final List<LocalAddressUse> localAddressUses = new ArrayList<>();

    /**
     * A forwarding method as {@code lb_kind}, {@code lvs_method} or {@code sorry_server_lvs_method}
     * give it.
     *
     * @param method the method
     * @param tunnel its tunnel options (TUN only)
     * @param token the method's word, for messages
     */
    record Method(ForwardingMethod method, Optional<TunnelConfig> tunnel, Token token) {
    }

    /** A virtual server's {@code laddr_group_name}, kept to check it once every group is read. */
    private record LocalAddressUse(VirtualServerConfig vs, Token name, Map<RealServerConfig, Token> servers) {
    }

    VirtualServerReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.checkers = new CheckerReader(diagnostics);
    }

    /**
     * Reads a virtual server: one service for {@code ADDRESS PORT} or {@code fwmark N}, one per
     * member for {@code group NAME} (each with the block's settings and real servers; the same
     * warning is given once).
     *
     * @param decl the {@code virtual_server} statement
     * @param groups the {@code virtual_server_group}s read so far
     * @return the services
     * @throws ConfigException if anything is wrong
     */
    List<VirtualServerConfig> read(Statement decl, VirtualServerGroupReader groups) throws ConfigException {
        Token first = decl.arg(0, "an address and port, 'fwmark N' or 'group NAME'");
        if (!first.is("group")) {
            return List.of(read(decl, head(decl, first)));
        }
        Token name = decl.arg(1, "a virtual_server_group name");
        decl.maxArgs(2);
        decl.requireBlock();
        List<VirtualServerConfig> services = new ArrayList<>();
        for (VirtualServerGroupReader.Member member : groups.members(name)) {
            services.add(read(decl, member));
        }
        return services;
    }

    /** Reads the service of {@code ADDRESS [PORT]} or {@code fwmark N}. */
    private static VirtualServerGroupReader.Member head(Statement decl, Token first) throws ConfigException {
        if (first.is("fwmark")) {
            int mark = Values.integer(decl.arg(1, "a firewall mark"), "fwmark", 1, Integer.MAX_VALUE);
            decl.maxArgs(2);
            return new VirtualServerGroupReader.Member(Optional.empty(), 0, mark);
        }
        InetAddress address = endpoint(first, "a virtual server");
        int port = decl.args().size() > 1 ? Values.port(decl.args().get(1), "virtual server port") : 0;
        decl.maxArgs(2);
        return new VirtualServerGroupReader.Member(Optional.of(address), port, 0);
    }

    private VirtualServerConfig read(Statement decl, VirtualServerGroupReader.Member head) throws ConfigException {
        boolean fwmark = head.isFwmark();
        VirtualServerConfig.Builder b = fwmark ? VirtualServerConfig.fwmarkBuilder(head.fwmark())
                : VirtualServerConfig.builder(head.address().orElseThrow(), head.port());
        Optional<InetAddress> vip = head.address();
        int vsPort = head.port();
        CheckerReader.Inherited defaults = new CheckerReader.Inherited();
        boolean inhibit = false;
        Token persistence = null;
        Token protocolToken = null;
        Token opsToken = null;
        Statement sorry = null;
        Method sorryMethod = null;
        Method method = new Method(VirtualServerConfig.DEFAULT_FORWARDING, Optional.empty(), null);
        Token laddr = null;
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
                case "lb_kind", "lvs_method" -> {
                    method = forwarding(s);
                    b.forwarding(method.method());
                    method.tunnel().ifPresent(b::tunnel);
                }
                case "laddr_group_name" -> laddr = GlobalDefsReader.single(s, "a local_address_group name");
                case "persistence_timeout" -> {
                    s.noBlock();
                    s.maxArgs(1);
                    persistence = s.keyword();
                    b.persistenceTimeout(s.args().isEmpty() ? VirtualServerConfig.DEFAULT_PERSISTENCE_TIMEOUT
                            : Duration.ofSeconds(Values.integer(s.args().getFirst(), "persistence_timeout", 0,
                                    MAX_PERSISTENCE_SECONDS)));
                }
                case "persistence_granularity" -> {
                    Token mask = GlobalDefsReader.single(s, "a netmask");
                    int length = Values.prefixLength(mask, "persistence_granularity");
                    if (length > 32 && vip.isPresent() && vip.get() instanceof Inet4Address) {
                        throw new ConfigException(mask.position(), "persistence_granularity " + mask.text()
                                + " is longer than an IPv4 address (at most 32)");
                    }
                    b.persistenceGranularity(length);
                }
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
                case "ha_suspend" -> {
                    boolean suspend = Values.optionalBool(s, 0);
                    if (suspend && fwmark) {
                        diagnostics.warn(s.position(), "ha_suspend cannot be used with a fwmark service, which has"
                                + " no VIP to follow; cleared, as keepalived does");
                        suspend = false;
                    }
                    b.haSuspend(suspend);
                }
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
        boolean fullNat = method.method() == ForwardingMethod.FULL_NAT;
        if (sorry != null) {
            sorry.noBlock();
            Token addressToken = sorry.arg(0, "an address");
            InetAddress address = endpoint(addressToken, "sorry_server");
            Token portToken = sorry.args().size() > 1 ? sorry.args().get(1) : null;
            int port = portToken != null ? Values.port(portToken, "sorry_server port") : 0;
            sorry.maxArgs(2);
            Method effective = sorryMethod != null ? sorryMethod : method;
            checkFamily(vip, address, addressToken, effective.method(), "sorry server");
            port = checkPort(fwmark, vsPort, effective.method(), "sorry_server " + address.getHostAddress(),
                    port, portToken);
            b.sorryServer(new SorryServerConfig(address, port, Optional.ofNullable(sorryMethod).map(Method::method),
                    Optional.ofNullable(sorryMethod).flatMap(Method::tunnel), sorryInhibit));
        }
        Map<String, Statement> servers = new HashMap<>();
        Map<RealServerConfig, Token> serverTokens = new HashMap<>();
        for (Statement rs : realServers) {
            RealServerConfig server = realServer(rs, defaults, inhibit, vip, method, fwmark, vsPort);
            fullNat |= (server.forwarding().orElse(method.method()) == ForwardingMethod.FULL_NAT);
            serverTokens.put(server, rs.args().getFirst());
            Statement previous = servers.putIfAbsent(server.address().getHostAddress() + " " + server.port(), rs);
            if (previous != null) {
                throw new ConfigException(rs.position(), "real_server " + server.address().getHostAddress() + " "
                        + server.port() + " is already declared at " + previous.position());
            }
            b.realServer(server);
        }
        if (laddr != null && !fullNat) {
            diagnostics.warn(laddr.position(), "laddr_group_name " + laddr.text() + " is ignored: only full-NAT"
                    + " (lb_kind FNAT) uses local addresses");
        } else if (laddr != null) {
            b.localAddressGroup(laddr.text());
        }
        VirtualServerConfig vs;
        try {
            vs = b.build();
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw new ConfigException(m.contains("laddr_group_name")
                    ? fullNatPosition(method, realServers, decl) : blame(e, decl, persistence, opsToken, protocolToken),
                    m, e);
        }
        if (laddr != null && fullNat) {
            localAddressUses.add(new LocalAddressUse(vs, laddr, serverTokens));
        }
        String key = vs.isFwmark() ? "fwmark " + vs.fwmark()
                : vs.protocol() + " " + vs.address().orElseThrow().getHostAddress() + " " + vs.port();
        Statement previous = declared.putIfAbsent(key, decl);
        if (previous != null) {
            throw new ConfigException(decl.position(), "virtual_server " + vs.displayName()
                    + " is already declared at " + previous.position());
        }
        return vs;
    }

    /** Where full-NAT is asked for: the virtual server's method, or the first real server's. */
    private static io.lvs4j.core.config.SourcePosition fullNatPosition(Method method, List<Statement> realServers,
            Statement decl) {
        if (method.method() == ForwardingMethod.FULL_NAT && method.token() != null) {
            return method.token().position();
        }
        for (Statement rs : realServers) {
            for (Statement s : rs.block() == null ? List.<Statement>of() : rs.block().statements()) {
                if (s.name().equals("lvs_method") && !s.args().isEmpty() && s.args().getFirst().is("FNAT")) {
                    return s.args().getFirst().position();
                }
            }
        }
        return decl.position();
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

    /**
     * Reads {@code lb_kind NAT|DR|FNAT} or {@code lb_kind TUN [type ipip|gue|gre] [port N]
     * [nocsum|csum|remcsum]}, the options in any order as keepalived 2.x reads them.
     */
    static Method forwarding(Statement s) throws ConfigException {
        s.noBlock();
        Token t = s.arg(0, "NAT, DR, TUN or FNAT");
        ForwardingMethod method = switch (t.text()) {
            case "NAT" -> ForwardingMethod.MASQUERADE;
            case "DR" -> ForwardingMethod.DIRECT_ROUTE;
            case "TUN" -> ForwardingMethod.TUNNEL;
            case "FNAT" -> ForwardingMethod.FULL_NAT;
            default -> throw new ConfigException(t.position(), s.name() + " must be NAT, DR, TUN or FNAT"
                    + " (full-NAT), not " + t.describe());
        };
        if (method != ForwardingMethod.TUNNEL) {
            if (s.args().size() > 1) {
                Token extra = s.args().get(1);
                throw new ConfigException(extra.position(), "unexpected " + extra.describe() + " after '"
                        + s.name() + " " + t.text() + "': tunnel options go with TUN only");
            }
            return new Method(method, Optional.empty(), t);
        }
        Token type = null;
        Token portWord = null;
        Token port = null;
        Token checksum = null;
        for (int i = 1; i < s.args().size(); i++) {
            Token option = s.args().get(i);
            switch (option.text()) {
                case "type" -> type = s.arg(++i, "a tunnel type (ipip, gue or gre) after 'type'");
                case "port" -> {
                    portWord = option;
                    port = s.arg(++i, "a port after 'port'");
                }
                case "nocsum", "csum", "remcsum" -> checksum = option;
                default -> throw new ConfigException(option.position(), "unknown tunnel option "
                        + option.describe() + "; expected type ipip|gue|gre, port N, nocsum, csum or remcsum");
            }
        }
        TunnelConfig.Type kind = TunnelConfig.Type.IPIP;
        if (type != null) {
            kind = switch (type.text()) {
                case "ipip" -> TunnelConfig.Type.IPIP;
                case "gue" -> TunnelConfig.Type.GUE;
                case "gre" -> throw new ConfigException(type.position(), "tunnel type gre is not supported by"
                        + " lvs4j; use ipip or gue");
                default -> throw new ConfigException(type.position(), "tunnel type must be ipip, gue or gre, not "
                        + type.describe());
            };
        }
        if (kind == TunnelConfig.Type.GUE && port == null) {
            throw new ConfigException(type.position(), "a gue tunnel needs 'port N': the real servers' GUE port");
        }
        if (kind != TunnelConfig.Type.GUE && port != null) {
            throw new ConfigException(portWord.position(), "'port' goes with 'type gue' only");
        }
        TunnelConfig.Checksum sum = checksum == null ? TunnelConfig.Checksum.NOCSUM
                : TunnelConfig.Checksum.valueOf(checksum.text().toUpperCase(java.util.Locale.ROOT));
        if (kind == TunnelConfig.Type.IPIP && sum != TunnelConfig.Checksum.NOCSUM) {
            throw new ConfigException(checksum.position(), "ipip tunnels take no checksum option, not "
                    + checksum.describe());
        }
        int number = port == null ? 0 : Values.integer(port, "gue tunnel port", 1, 65535);
        return new Method(method, Optional.of(new TunnelConfig(kind, number, sum)), t);
    }

    /**
     * Checks local_address_group references once every group is read: the group exists, and has
     * an address of each full-NAT real server's family.
     *
     * @param groups the groups by name
     * @throws ConfigException at the {@code laddr_group_name} or the real server
     */
    void checkLocalAddresses(Map<String, LocalAddressGroupConfig> groups) throws ConfigException {
        for (LocalAddressUse use : localAddressUses) {
            LocalAddressGroupConfig group = groups.get(use.name().text());
            if (group == null) {
                throw new ConfigException(use.name().position(), "laddr_group_name " + use.name().text()
                        + " names no local_address_group");
            }
            for (RealServerConfig rs : use.vs().realServers()) {
                boolean ipv4 = rs.address() instanceof Inet4Address;
                if (use.vs().forwardingOf(rs) == ForwardingMethod.FULL_NAT && group.addresses(ipv4).isEmpty()) {
                    throw new ConfigException(use.servers().get(rs).position(), "full-NAT real server "
                            + rs.address().getHostAddress() + " needs an " + (ipv4 ? "IPv4" : "IPv6")
                            + " local address, and local_address_group " + group.name() + " has none");
                }
            }
        }
    }

    /** Reads the address of a virtual, real or sorry server, with a hint for the forms keepalived refuses. */
    static InetAddress endpoint(Token token, String what) throws ConfigException {
        String text = token.text();
        int colon = text.lastIndexOf(':');
        if (text.startsWith("[") || (colon > 0 && text.indexOf(':') == colon && text.indexOf('.') > 0)) {
            throw new ConfigException(token.position(), what + " is written as two words, address then port"
                    + " (for example 2001:db8::10 80), not " + token.describe());
        }
        return Values.address(token, what);
    }

    /** Refuses a server of another family than the virtual server's, unless it is tunnelled. */
    private static void checkFamily(Optional<InetAddress> vip, InetAddress address, Token token,
            ForwardingMethod method, String what) throws ConfigException {
        if (vip.isPresent() && method != ForwardingMethod.TUNNEL
                && (vip.get() instanceof Inet4Address) != (address instanceof Inet4Address)) {
            throw new ConfigException(token.position(), what + " " + address.getHostAddress()
                    + " is not of the virtual server's address family (only tunnelled servers may differ)");
        }
    }

    /**
     * Does what keepalived does with the port of a server that is not reached by NAT or
     * full-NAT: IPVS keeps the packet's destination port, so the port is reset to the virtual
     * server's (cleared for a fwmark service) with a warning.
     */
    private int checkPort(boolean fwmark, int vsPort, ForwardingMethod method, String what, int port,
            Token portToken) {
        if (method == ForwardingMethod.MASQUERADE || method == ForwardingMethod.FULL_NAT || port == 0
                || port == vsPort) {
            return port;
        }
        String name = method == ForwardingMethod.DIRECT_ROUTE ? "DR" : "TUN";
        diagnostics.warn(portToken.position(), what + " port " + port + (fwmark ? " is cleared"
                : " does not match the virtual server's port " + vsPort + "; " + vsPort + " is used")
                + ": " + name + " cannot map ports (IPVS ignores the port of a DR or TUN server)");
        return vsPort;
    }

    private RealServerConfig realServer(Statement decl, CheckerReader.Inherited vsDefaults, boolean vsInhibit,
            Optional<InetAddress> vip, Method vsMethod, boolean fwmark, int vsPort) throws ConfigException {
        Token addressToken = decl.arg(0, "an address");
        InetAddress address = endpoint(addressToken, "a real server");
        Token portToken = decl.args().size() > 1 ? decl.args().get(1) : null;
        int port = portToken != null ? Values.port(portToken, "real server port") : 0;
        decl.maxArgs(2);
        CheckerReader.Inherited defaults = vsDefaults.copy();
        List<Statement> checkerBlocks = new ArrayList<>();
        List<Statement> body = decl.block() == null ? List.of() : decl.block().statements();
        Method own = null;
        for (Statement s : body) {
            if (s.name().equals("lvs_method")) {
                own = forwarding(s);
            }
        }
        ForwardingMethod effective = own != null ? own.method() : vsMethod.method();
        checkFamily(vip, address, addressToken, effective, "real server");
        port = checkPort(fwmark, vsPort, effective, "real_server " + address.getHostAddress(), port, portToken);
        RealServerConfig.Builder b = RealServerConfig.builder(address, port);
        b.inhibitOnFailure(vsInhibit);
        if (own != null) {
            b.forwarding(own.method());
            own.tunnel().ifPresent(b::tunnel);
        }
        for (Statement s : body) {
            if (defaults.read(s)) {
                continue;
            }
            switch (s.name()) {
                case "weight" -> b.weight(Values.integer(GlobalDefsReader.single(s, "a weight"), "weight", 0,
                        io.lvs4j.core.model.RealServer.MAX_WEIGHT));
                case "lvs_method" -> {
                    // read above: the method decides the port
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
        for (Statement c : checkerBlocks) {
            b.checker(checkers.read(c, defaults));
        }
        return VrrpReader.build(decl, b::build);
    }
}
