package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * A network interface of the calling thread's network namespace, as the kernel reports it:
 * index, hardware (MAC) address and MTU. Immutable.
 *
 * @param name the interface name
 * @param index the interface index
 * @param mac the 48-bit hardware address, most significant byte first in the low 48 bits
 * @param mtu the MTU in bytes
 */
public record LinkInfo(String name, int index, long mac, int mtu) {

    /**
     * Queries an interface ({@code SIOCGIFINDEX}, {@code SIOCGIFHWADDR}, {@code SIOCGIFMTU}); needs
     * no privilege.
     *
     * @param name the interface name, 1 to 15 characters
     * @return the interface
     * @throws IOException if there is no such interface
     */
    public static LinkInfo of(String name) throws IOException {
        int index = ByteBuffer.wrap(PacketSocketFd.ifreq(name, Libc.SIOCGIFINDEX)).order(ByteOrder.nativeOrder()).getInt(0);
        int mtu = ByteBuffer.wrap(PacketSocketFd.ifreq(name, Libc.SIOCGIFMTU)).order(ByteOrder.nativeOrder()).getInt(0);
        byte[] hw = PacketSocketFd.ifreq(name, Libc.SIOCGIFHWADDR);
        int at = (int) (Structs.IFR_HWADDR_DATA - Structs.IFR_IFINDEX);
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (hw[at + i] & 0xFF);
        }
        return new LinkInfo(name, index, mac, mtu);
    }

    /** @return the MAC address as {@code aa:bb:cc:dd:ee:ff} */
    public String macString() {
        return formatMac(mac);
    }

    /**
     * Formats a 48-bit MAC address.
     *
     * @param mac the address in the low 48 bits
     * @return {@code aa:bb:cc:dd:ee:ff}
     */
    public static String formatMac(long mac) {
        String hex = HexFormat.of().toHexDigits(mac).substring(4);
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }
}
