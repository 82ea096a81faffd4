package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.BgpConfig;
import io.lvs4j.core.config.BgpNeighbor;
import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.Script;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads lvs4j's own {@code bgp_announce} block into a {@link BgpConfig}: keepalived's word
 * style, one setting a line, {@code neighbor ADDRESS remote_as AS} once per router.
 */
final class BgpReader {

    /** The keywords of the block. */
    static final Set<String> KEYWORDS = Set.of("local_as", "router_id", "neighbor", "hold_time", "check_interval",
            "run_dir", "frr_dir", "vtysh", "daemon_command", "announce_command", "withdraw_command");

    private static final long MAX_AS = 0xffff_ffffL;

    private final Diagnostics diagnostics;

    BgpReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    BgpConfig read(Statement decl) throws ConfigException {
        decl.maxArgs(0);
        BgpConfig.Builder b = BgpConfig.builder();
        Map<InetAddress, Statement> neighbors = new HashMap<>();
        for (Statement s : decl.requireBlock()) {
            switch (s.name()) {
                case "local_as" -> b.localAs(as(GlobalDefsReader.single(s, "an AS number"), "local_as"));
                case "router_id" -> {
                    InetAddress id = Values.address(GlobalDefsReader.single(s, "an IPv4 address"), "router_id");
                    if (!(id instanceof Inet4Address v4)) {
                        throw new ConfigException(s.args().getFirst().position(), "router_id must be an IPv4 address");
                    }
                    b.routerId(v4);
                }
                case "neighbor" -> {
                    s.noBlock();
                    InetAddress address = Values.address(s.arg(0, "the router's address"), "a neighbor");
                    Token word = s.arg(1, "'remote_as AS'");
                    if (!word.is("remote_as")) {
                        throw new ConfigException(word.position(), "'remote_as' expected after the neighbor's address,"
                                + " not " + word.describe());
                    }
                    long as = as(s.arg(2, "an AS number after 'remote_as'"), "remote_as");
                    s.maxArgs(3);
                    Statement previous = neighbors.putIfAbsent(address, s);
                    if (previous != null) {
                        throw new ConfigException(s.position(), "neighbor " + address.getHostAddress()
                                + " is already listed at " + previous.position());
                    }
                    b.neighbor(new BgpNeighbor(address, as));
                }
                case "hold_time" -> b.holdTime(Duration.ofSeconds(Values.integer(
                        GlobalDefsReader.single(s, "a number of seconds"), "hold_time", 3, 65535)));
                case "check_interval" -> b.checkInterval(Values.seconds(
                        GlobalDefsReader.single(s, "a number of seconds"), "check_interval", Duration.ofMillis(10),
                        Duration.ofSeconds(60)));
                case "run_dir" -> b.runDirectory(path(s));
                case "frr_dir" -> b.frrDirectory(path(s));
                case "vtysh" -> b.vtysh(path(s));
                case "daemon_command" -> b.daemonCommand(command(s));
                case "announce_command" -> b.announceCommand(command(s));
                case "withdraw_command" -> b.withdrawCommand(command(s));
                default -> Keywords.other(s, "bgp_announce", Set.of(), KEYWORDS, diagnostics);
            }
        }
        return VrrpReader.build(decl, b::build);
    }

    private static long as(Token token, String what) throws ConfigException {
        String text = token.text();
        if (!text.matches("[0-9]{1,10}") || Long.parseLong(text) < 1 || Long.parseLong(text) > MAX_AS) {
            throw new ConfigException(token.position(), what + " must be an AS number from 1 to " + MAX_AS
                    + ", not " + token.describe());
        }
        return Long.parseLong(text);
    }

    private static Path path(Statement s) throws ConfigException {
        Token t = GlobalDefsReader.single(s, "an absolute path");
        if (!t.text().startsWith("/")) {
            throw new ConfigException(t.position(), s.name() + " must be an absolute path, not " + t.describe());
        }
        return Path.of(t.text());
    }

    private static Script command(Statement s) throws ConfigException {
        s.noBlock();
        s.arg(0, "a command");
        return Script.of(VrrpReader.joined(s));
    }
}
