package io.lvs4j.transport.epoll.tunnel;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.LongStream;

import static io.lvs4j.core.packet.NetworkOrder.U32;
import static io.lvs4j.core.packet.NetworkOrder.U64;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The directors a {@link TunnelDecapsulator} takes tunnel packets from, matched against the
 * source in the {@code struct sockaddr_in} / {@code sockaddr_in6} that {@code recvmmsg} fills
 * in. With no address every source is allowed; otherwise a source of a family with no allowed
 * address is refused too. Immutable after construction; allocates nothing when matching.
 */
final class SourceFilter {

    /** The room a source address takes: {@code sizeof(struct sockaddr_in6)}. */
    static final int SOCKADDR_SIZE = 28;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final boolean any;
    private final int[] ipv4;
    private final long[] ipv6;

    SourceFilter(List<InetAddress> allowed) {
        this.any = allowed.isEmpty();
        this.ipv4 = allowed.stream().filter(a -> a instanceof Inet4Address)
                .mapToInt(a -> ByteBuffer.wrap(a.getAddress()).getInt()).toArray();
        this.ipv6 = allowed.stream().filter(a -> a instanceof Inet6Address)
                .flatMapToLong(a -> {
                    ByteBuffer b = ByteBuffer.wrap(a.getAddress());
                    return LongStream.of(b.getLong(), b.getLong());
                }).toArray();
    }

    /** @return {@code true} if every source is allowed (no address given) */
    boolean allowsAny() {
        return any;
    }

    /**
     * Matches a source.
     *
     * @param names the memory of the socket addresses
     * @param offset where this one starts
     * @return {@code true} if the source is allowed
     */
    boolean allows(MemorySegment names, long offset) {
        if (any) {
            return true;
        }
        int family = names.get(JAVA_SHORT, offset);
        if (family == AF_INET) {
            int address = names.get(U32, offset + 4);
            for (int a : ipv4) {
                if (a == address) {
                    return true;
                }
            }
        } else if (family == AF_INET6) {
            long high = names.get(U64, offset + 8);
            long low = names.get(U64, offset + 16);
            for (int i = 0; i < ipv6.length; i += 2) {
                if (ipv6[i] == high && ipv6[i + 1] == low) {
                    return true;
                }
            }
        }
        return false;
    }
}
