package io.lvs4j.transport.epoll.vrrp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.transport.epoll.FuzzInputs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link LinkMessages}, the reader of the rtnetlink
 * datagrams a VRRP router's link monitor receives: any datagram, in memory that ends where it
 * does, is read without an exception; only watched interfaces are reported, at most one report
 * per 32 bytes; a malformed message is counted.
 *
 * <p>In a normal build this replays the committed corpus ({@code LinkMessagesFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes (see {@code benchmarks/fuzz}).
 */
class LinkMessagesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void readsOrCountsEveryDatagram(byte[] datagram) {
        int[] reports = {0};
        int malformed = LinkMessages.read(MemorySegment.ofArray(datagram), 0, datagram.length,
                LinkMessagesTest.WATCHED, (name, up) -> {
                    assertTrue(LinkMessagesTest.WATCHED.containsValue(name), name);
                    reports[0]++;
                });
        assertTrue(malformed == 0 || malformed == 1, "one count per datagram");
        assertTrue(reports[0] <= datagram.length / 32, "a report per link message");
    }

    @Test
    void shouldReadEverySeedAndKeepThemCommitted() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        ByteBuffer up = LinkMessagesTest.datagram();
        LinkMessagesTest.link(up, LinkMessages.RTM_NEWLINK, 2, 0x1043, 40);
        seeds.put("seed-newlink-up", bytes(up));
        ByteBuffer several = LinkMessagesTest.datagram();
        LinkMessagesTest.link(several, LinkMessages.RTM_NEWLINK, 3, 0x1003, 5);
        LinkMessagesTest.link(several, LinkMessages.RTM_DELLINK, 2, 0, 0);
        LinkMessagesTest.link(several, LinkMessages.RTM_NEWLINK, 9, 0x1043, 8);
        seeds.put("seed-several", bytes(several));
        for (byte[] seed : seeds.values()) {
            readsOrCountsEveryDatagram(seed);
        }
        FuzzInputs.committed(getClass(), "readsOrCountsEveryDatagram", seeds);
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOf(b.array(), b.position());
    }
}
