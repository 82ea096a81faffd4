package io.lvs4j.transport.epoll.vrrp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link LinkMessages} on rtnetlink datagrams built as the kernel writes them, and on broken ones. */
class LinkMessagesTest {

    static final Map<Integer, String> WATCHED = Map.of(2, "eth0", 3, "eth1");

    /** A link message: header, ifinfomsg and {@code attributes} bytes of attributes. */
    static ByteBuffer link(ByteBuffer b, int type, int index, int flags, int attributes) {
        int length = LinkMessages.NLMSG_HDRLEN + LinkMessages.IFINFOMSG_LENGTH + attributes;
        b.putInt(length).putShort((short) type).putShort((short) 0).putInt(1).putInt(0);
        b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0xFFFFFFFF);
        b.put(new byte[attributes]);
        return b.position((b.position() + 3) & ~3);
    }

    static ByteBuffer datagram() {
        return ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    }

    private final List<String> events = new ArrayList<>();

    private int read(ByteBuffer b) {
        byte[] bytes = new byte[b.position()];
        b.flip().get(bytes);
        return LinkMessages.read(MemorySegment.ofArray(bytes), 0, bytes.length, WATCHED,
                (name, up) -> events.add(name + (up ? " up" : " down")));
    }

    @Test
    void shouldReportWatchedInterfacesUpAndDownAndSkipOthers() {
        ByteBuffer b = datagram();
        link(b, LinkMessages.RTM_NEWLINK, 2, 0x1043, 13);
        link(b, LinkMessages.RTM_NEWLINK, 7, 0x1043, 0);
        link(b, LinkMessages.RTM_NEWLINK, 3, 0x1003, 4);
        link(b, LinkMessages.RTM_DELLINK, 2, 0x1043, 0);
        b.putInt(20).putShort((short) 3).putShort((short) 2).putInt(1).putInt(0).putInt(0); // NLMSG_DONE
        assertEquals(0, read(b));
        assertEquals(List.of("eth0 up", "eth1 down", "eth0 down"), events);
    }

    @Test
    void shouldCountALinkMessageTooShortForItsIfinfomsgInsteadOfReadingTheNextOne() {
        // Before: a 20-byte RTM_NEWLINK was read with the index and flags of the bytes after it.
        ByteBuffer b = datagram();
        b.putInt(20).putShort((short) LinkMessages.RTM_NEWLINK).putShort((short) 0).putInt(1).putInt(0).putInt(0);
        link(b, LinkMessages.RTM_NEWLINK, 2, 0x1043, 0);
        assertEquals(1, read(b));
        assertEquals(List.of(), events);
    }

    @Test
    void shouldCountMessagesLongerThanTheDatagramOrShorterThanAHeader() {
        ByteBuffer beyond = datagram();
        link(beyond, LinkMessages.RTM_NEWLINK, 2, 0x1043, 0);
        beyond.putInt(beyond.position() - 32, 33);
        assertEquals(1, read(beyond));
        ByteBuffer tiny = datagram();
        tiny.putInt(8).putInt(0).putInt(0).putInt(0);
        assertEquals(1, read(tiny));
        ByteBuffer tail = datagram();
        link(tail, LinkMessages.RTM_NEWLINK, 3, 0x1043, 0);
        tail.putInt(0);
        assertEquals(1, read(tail));
        assertEquals(List.of("eth1 up"), events);
    }
}
