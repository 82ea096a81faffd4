package io.lvs4j.transport.epoll.tunnel;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SourceFilter} on socket addresses as {@code recvmmsg} fills them in. */
class SourceFilterTest {

    /** A {@code sockaddr_in} or {@code sockaddr_in6} at offset 28 of the names area. */
    private static MemorySegment name(String address) throws Exception {
        byte[] bytes = InetAddress.getByName(address).getAddress();
        MemorySegment names = MemorySegment.ofArray(new long[8]);
        names.set(JAVA_SHORT, 28, (short) (bytes.length == 4 ? 2 : 10));
        MemorySegment.copy(bytes, 0, names, JAVA_BYTE, 28 + (bytes.length == 4 ? 4 : 8), bytes.length);
        return names;
    }

    @Test
    void shouldAllowEverySourceWithoutDirectors() throws Exception {
        SourceFilter filter = new SourceFilter(List.of());
        assertTrue(filter.allowsAny());
        assertTrue(filter.allows(name("198.18.0.99"), 28));
        assertTrue(filter.allows(name("2001:2::99"), 28));
    }

    @Test
    void shouldAllowOnlyTheDirectorsOfEachFamily() throws Exception {
        SourceFilter filter = new SourceFilter(List.of(InetAddress.getByName("198.18.0.12"),
                InetAddress.getByName("2001:2::12"), InetAddress.getByName("198.18.0.13")));
        assertFalse(filter.allowsAny());
        assertTrue(filter.allows(name("198.18.0.12"), 28));
        assertTrue(filter.allows(name("198.18.0.13"), 28));
        assertTrue(filter.allows(name("2001:2::12"), 28));
        assertFalse(filter.allows(name("198.18.0.11"), 28));
        assertFalse(filter.allows(name("2001:2::13"), 28));
        assertFalse(filter.allows(name("2001:3::12"), 28), "the high half differs");
    }

    @Test
    void shouldRefuseEveryIpv6SourceWhenOnlyIpv4DirectorsAreGiven() throws Exception {
        SourceFilter filter = new SourceFilter(List.of(InetAddress.getByName("198.18.0.12")));
        assertFalse(filter.allows(name("2001:2::12"), 28));
        assertFalse(filter.allows(MemorySegment.ofArray(new long[8]), 28), "no family at all");
    }
}
