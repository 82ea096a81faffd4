package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads keepalived's {@code virtual_server_group} blocks:
 * <pre>
 * virtual_server_group NAME {
 *     198.18.0.10 80          # an address and port
 *     198.18.0.10-20 80       # a range of the last IPv4 octet (both ends included)
 *     2001:db8::a-1f 443      # a range of the last IPv6 group, in hexadecimal
 *     198.18.0.30             # no port: all ports (the virtual_server must be persistent)
 *     fwmark 1                # a firewall mark
 * }
 * </pre>
 * A {@code virtual_server group NAME} is then one service per member, each with the block's
 * settings and real servers. Not thread-safe.
 */
final class VirtualServerGroupReader {

    /** The most services one group may expand to. */
    static final int MAX_MEMBERS = 1024;

    /**
     * What one member of a group (or a plain {@code virtual_server}) serves.
     *
     * @param address the virtual address, empty for a firewall mark
     * @param port the port, 0 for all ports (or a firewall mark)
     * @param fwmark the firewall mark, 0 for an address
     */
    record Member(Optional<InetAddress> address, int port, int fwmark) {

        /** @return true for a firewall mark */
        boolean isFwmark() {
            return fwmark != 0;
        }
    }

    private final Map<String, List<Member>> groups = new HashMap<>();
    private final Map<String, Statement> declared = new HashMap<>();

    /** Reads one {@code virtual_server_group} block. */
    void read(Statement decl) throws ConfigException {
        Token name = decl.arg(0, "a virtual_server_group name");
        decl.maxArgs(1);
        Statement previous = declared.putIfAbsent(name.text(), decl);
        if (previous != null) {
            throw new ConfigException(name.position(), "virtual_server_group " + name.text()
                    + " is already declared at " + previous.position());
        }
        Set<Member> members = new LinkedHashSet<>();
        for (Statement s : decl.requireBlock()) {
            s.noBlock();
            if (s.name().equals("fwmark")) {
                s.maxArgs(1);
                add(members, new Member(Optional.empty(), 0,
                        Values.integer(s.arg(0, "a firewall mark"), "fwmark", 1, Integer.MAX_VALUE)), s);
                continue;
            }
            s.maxArgs(1);
            int port = s.args().isEmpty() ? 0 : Values.port(s.args().getFirst(), "virtual_server_group port");
            for (InetAddress address : range(s.keyword())) {
                add(members, new Member(Optional.of(address), port, 0), s);
            }
        }
        if (members.isEmpty()) {
            throw new ConfigException(decl.position(), "virtual_server_group " + name.text() + " has no member");
        }
        groups.put(name.text(), List.copyOf(members));
    }

    /**
     * Returns a group's members.
     *
     * @param name the {@code NAME} of {@code virtual_server group NAME}
     * @return the members, in the group's order
     * @throws ConfigException if no such group is declared
     */
    List<Member> members(Token name) throws ConfigException {
        List<Member> members = groups.get(name.text());
        if (members == null) {
            throw new ConfigException(name.position(), "virtual_server group " + name.text()
                    + " names no virtual_server_group");
        }
        return members;
    }

    private static void add(Set<Member> members, Member member, Statement s) throws ConfigException {
        if (!members.add(member)) {
            throw new ConfigException(s.position(), "virtual_server_group member "
                    + member.address().map(InetAddress::getHostAddress).orElse("fwmark " + member.fwmark())
                    + (member.port() == 0 ? "" : " " + member.port()) + " is listed twice");
        }
        if (members.size() > MAX_MEMBERS) {
            throw new ConfigException(s.position(), "a virtual_server_group may have at most " + MAX_MEMBERS
                    + " members (services)");
        }
    }

    /** Reads {@code ADDRESS} or {@code ADDRESS-LAST}: a range of the address's last octet (IPv6: group). */
    static List<InetAddress> range(Token token) throws ConfigException {
        String text = token.text();
        int dash = text.lastIndexOf('-');
        if (dash < 0) {
            return List.of(VirtualServerReader.endpoint(token, "a virtual_server_group member"));
        }
        InetAddress first = Values.addressOrNull(text.substring(0, dash));
        if (first == null) {
            throw new ConfigException(token.position(), "a virtual_server_group member must be an address or a"
                    + " range such as 198.18.0.10-20, not " + token.describe());
        }
        byte[] bytes = first.getAddress();
        boolean ipv4 = first instanceof Inet4Address;
        int start = ipv4 ? bytes[3] & 0xff : ((bytes[14] & 0xff) << 8) | (bytes[15] & 0xff);
        int end;
        try {
            end = Integer.parseInt(text.substring(dash + 1), ipv4 ? 10 : 16);
        } catch (NumberFormatException e) {
            end = -1;
        }
        int max = ipv4 ? 255 : 0xffff;
        if (end < start || end > max) {
            throw new ConfigException(token.position(), "the range " + text + " must end at or above its start "
                    + (ipv4 ? start : Integer.toHexString(start)) + " and at most at " + (ipv4 ? "255" : "ffff")
                    + (ipv4 ? "" : " (IPv6 ranges are hexadecimal)"));
        }
        List<InetAddress> addresses = new ArrayList<>(end - start + 1);
        for (int i = start; i <= end; i++) {
            if (ipv4) {
                bytes[3] = (byte) i;
            } else {
                bytes[14] = (byte) (i >>> 8);
                bytes[15] = (byte) i;
            }
            try {
                addresses.add(InetAddress.getByAddress(bytes));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
            }
        }
        return addresses;
    }
}
