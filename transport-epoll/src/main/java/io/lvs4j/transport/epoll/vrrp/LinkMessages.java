package io.lvs4j.transport.epoll.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads the rtnetlink messages of one datagram for {@link LinkMonitor}: every
 * {@code RTM_NEWLINK}/{@code RTM_DELLINK} of a watched ifindex reports its interface up
 * ({@code IFF_RUNNING}) or down; other messages are skipped.
 *
 * <p>Layout, in the host's byte order:
 * {@code struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }}, then for link
 * messages {@code struct ifinfomsg { u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change; }};
 * each message starts on a 4-byte boundary. A message shorter than its header (or a link
 * message shorter than both), or longer than the datagram, ends the reading and is counted as
 * malformed. Stateless.
 */
final class LinkMessages {

    static final int NLMSG_HDRLEN = 16;
    static final int IFINFOMSG_LENGTH = 16;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int IFF_RUNNING = 0x40;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private LinkMessages() {
    }

    /**
     * Reads the messages of one datagram.
     *
     * @param buffer the memory holding the datagram
     * @param base where it starts
     * @param length its length
     * @param names the watched interfaces by ifindex
     * @param callback told (interface, up) for each link message of a watched interface
     * @return the number of malformed messages (0 or 1: the first ends the reading)
     */
    static int read(MemorySegment buffer, long base, int length, Map<Integer, String> names,
            BiConsumer<String, Boolean> callback) {
        long at = 0;
        while (at < length) {
            if (length - at < NLMSG_HDRLEN) {
                return 1;
            }
            long messageLength = Integer.toUnsignedLong(buffer.get(INT, base + at));
            int type = buffer.get(SHORT, base + at + 4) & 0xFFFF;
            boolean link = type == RTM_NEWLINK || type == RTM_DELLINK;
            if (messageLength < NLMSG_HDRLEN + (link ? IFINFOMSG_LENGTH : 0) || messageLength > length - at) {
                return 1;
            }
            if (link) {
                long info = base + at + NLMSG_HDRLEN;
                String name = names.get(buffer.get(INT, info + 4));
                if (name != null) {
                    callback.accept(name, type == RTM_NEWLINK && (buffer.get(INT, info + 8) & IFF_RUNNING) != 0);
                }
            }
            at += (messageLength + 3) & ~3L;
        }
        return 0;
    }
}
