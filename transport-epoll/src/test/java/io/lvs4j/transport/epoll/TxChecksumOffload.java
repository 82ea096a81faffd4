package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;
import io.lvs4j.transport.epoll.internal.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Turns an interface's transmit checksum offload on or off through the {@code SIOCETHTOOL}
 * ioctl ({@code ETHTOOL_STXCSUM}), as {@code ethtool -K dev tx off} does; without it, TSO goes
 * too. With the offload off, the kernel completes partial checksums (and segments GSO frames)
 * in software before the frame leaves, so its receivers verify every checksum: frames between
 * namespaces otherwise keep {@code CHECKSUM_PARTIAL} end to end and a wrong checksum would go
 * unnoticed.
 */
final class TxChecksumOffload {

    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GTXCSUM = 0x16;
    private static final int ETHTOOL_STXCSUM = 0x17;

    private TxChecksumOffload() {
    }

    /**
     * Sets the offload of a host's interface and reads it back.
     *
     * @param host the lab host
     * @param on the wanted setting
     * @return the setting now in force
     * @throws Exception if the ioctl fails
     */
    static boolean set(Host host, boolean on) throws Exception {
        return host.netns().call(() -> {
            call(host.iface(), ETHTOOL_STXCSUM, on ? 1 : 0);
            return call(host.iface(), ETHTOOL_GTXCSUM, 0) != 0;
        });
    }

    /** One {@code struct ethtool_value {u32 cmd; u32 data;}} request; returns {@code data} after it. */
    private static int call(String iface, int command, int data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            int fd = Libc.socket(cs, Libc.AF_INET, Libc.SOCK_DGRAM, 0);
            if (fd < 0) {
                throw new IOException("socket: " + Libc.strerror(Libc.errno(cs)));
            }
            try {
                MemorySegment value = arena.allocate(8, 8);
                value.set(ValueLayout.JAVA_INT, 0, command);
                value.set(ValueLayout.JAVA_INT, 4, data);
                MemorySegment ifr = arena.allocate(40, 8); // struct ifreq: name[16], then ifr_data
                byte[] name = iface.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
                ifr.set(ValueLayout.ADDRESS, 16, value);
                if (Libc.ioctl(cs, fd, SIOCETHTOOL, ifr) < 0) {
                    throw new IOException("SIOCETHTOOL " + command + " on " + iface + ": "
                            + Libc.strerror(Libc.errno(cs)));
                }
                return value.get(ValueLayout.JAVA_INT, 4);
            } finally {
                Libc.close(cs, fd);
            }
        }
    }
}
