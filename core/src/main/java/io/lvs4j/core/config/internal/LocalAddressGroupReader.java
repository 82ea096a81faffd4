package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.LocalAddressGroupConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DPVS's {@code local_address_group NAME { ADDRESS[-END] [IFNAME] ... }}: an address, or a
 * range whose END replaces the last byte (IPv4, decimal) or the last group (IPv6, hex), optionally
 * followed by DPVS's interface name, which lvs4j ignores with one warning per group.
 */
final class LocalAddressGroupReader {

    /** The most addresses one range may hold. */
    static final int MAX_RANGE = 256;

    private final Diagnostics diagnostics;

    LocalAddressGroupReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    LocalAddressGroupConfig read(Statement decl) throws ConfigException {
        String name = decl.arg(0, "a group name").text();
        decl.maxArgs(1);
        List<InetAddress> addresses = new ArrayList<>();
        Map<InetAddress, Token> seen = new HashMap<>();
        boolean warned = false;
        for (Statement line : decl.requireBlock()) {
            line.noBlock();
            if (line.args().size() > 1) {
                Token extra = line.args().get(1);
                throw new ConfigException(extra.position(), "unexpected " + extra.describe()
                        + " after a local address and its interface");
            }
            if (!line.args().isEmpty() && !warned) {
                warned = true;
                diagnostics.warn(line.args().getFirst().position(), "the interface " + line.args().getFirst().describe()
                        + " of local_address_group " + name + " is ignored: lvs4j sends full-NAT packets on the"
                        + " director's interface");
            }
            for (InetAddress a : range(line.keyword())) {
                Token previous = seen.putIfAbsent(a, line.keyword());
                if (previous != null) {
                    throw new ConfigException(line.position(), "local address " + a.getHostAddress()
                            + " is already listed at " + previous.position());
                }
                addresses.add(a);
            }
        }
        if (addresses.isEmpty()) {
            throw new ConfigException(decl.position(), "local_address_group " + name + " has no address");
        }
        return new LocalAddressGroupConfig(name, addresses);
    }

    private static List<InetAddress> range(Token token) throws ConfigException {
        String text = token.text();
        int dash = text.indexOf('-');
        if (dash < 0) {
            return List.of(Values.address(token, "a local address"));
        }
        InetAddress first = Values.addressOrNull(text.substring(0, dash));
        if (first == null) {
            throw new ConfigException(token.position(), "a local address must be an IPv4 or IPv6 address or a"
                    + " range such as 198.18.0.51-55, not " + token.describe());
        }
        boolean ipv4 = first instanceof Inet4Address;
        String endText = text.substring(dash + 1);
        int end;
        try {
            end = Integer.parseInt(endText, ipv4 ? 10 : 16);
        } catch (NumberFormatException e) {
            end = -1;
        }
        if (endText.isEmpty() || endText.startsWith("+") || endText.startsWith("-") || end < 0
                || end > (ipv4 ? 255 : 0xffff)) {
            throw new ConfigException(token.position(), "the end of range " + token.describe() + " must be the last "
                    + (ipv4 ? "byte of an IPv4 address (0-255)" : "group of an IPv6 address (hex, 0-ffff)"));
        }
        byte[] bytes = first.getAddress();
        int n = bytes.length;
        int start = ipv4 ? bytes[n - 1] & 0xff : ((bytes[n - 2] & 0xff) << 8) | (bytes[n - 1] & 0xff);
        if (end <= start) {
            throw new ConfigException(token.position(), "range " + token.describe() + " ends before it starts");
        }
        if (end - start + 1 > MAX_RANGE) {
            throw new ConfigException(token.position(), "range " + token.describe() + " holds " + (end - start + 1)
                    + " addresses; at most " + MAX_RANGE);
        }
        List<InetAddress> result = new ArrayList<>();
        for (int v = start; v <= end; v++) {
            if (ipv4) {
                bytes[n - 1] = (byte) v;
            } else {
                bytes[n - 2] = (byte) (v >>> 8);
                bytes[n - 1] = (byte) v;
            }
            try {
                result.add(InetAddress.getByAddress(bytes));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
            }
        }
        return result;
    }
}
