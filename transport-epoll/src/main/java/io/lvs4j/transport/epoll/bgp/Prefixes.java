package io.lvs4j.transport.epoll.bgp;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Host prefixes as routing daemons write them: {@code 198.18.0.10/32}, {@code 2001:db8::10/128} (RFC 5952). */
final class Prefixes {

    private Prefixes() {
    }

    /**
     * Writes an address as daemons print it: IPv4 dotted, IPv6 in RFC 5952's short form.
     *
     * @param address the address
     * @return its text
     */
    static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /**
     * Returns the host prefix of an address.
     *
     * @param address the VIP
     * @return {@code address/32} or {@code address/128}
     */
    static String of(InetAddress address) {
        return text(address) + (address instanceof Inet4Address ? "/32" : "/128");
    }
}
