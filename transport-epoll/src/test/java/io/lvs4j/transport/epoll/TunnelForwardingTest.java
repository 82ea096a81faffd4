package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.packet.Encapsulation;
import io.lvs4j.core.packet.EthernetHeader;
import org.junit.jupiter.api.Nested;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ForwardingSuite} through tunnelling, IP-in-IP and GUE: the client's packet arrives whole inside. */
class TunnelForwardingTest {

    /** Tunnels in IP-in-IP. */
    @Nested
    class Ipip extends Tunnel {
        @Override
        Forwarding forwarding() {
            return Forwarding.ipip();
        }
    }

    /** Tunnels in GUE to port 6080. */
    @Nested
    class Gue extends Tunnel {
        @Override
        Forwarding forwarding() {
            return Forwarding.gue(6080);
        }
    }

    /** What both encapsulations share. */
    abstract static class Tunnel extends ForwardingSuite {

        @Override
        int serverPort() {
            return 80;
        }

        @Override
        String destinationAtServer() {
            return VIP;
        }

        @Override
        String sourceAtServer() {
            return CLIENT;
        }

        @Override
        boolean seesReplies() {
            return false;
        }

        @Override
        DirectorCounter icmpToServerCounter() {
            return DirectorCounter.ICMP_RELAYED;
        }

        /** The inner packet behind the tunnel frame's Ethernet header, its type set back to IPv4. */
        @Override
        byte[] atServer(byte[] emitted) {
            int overhead = Encapsulation.overhead(4, forwarding().tunnelPort() > 0);
            byte[] inner = new byte[emitted.length - overhead];
            System.arraycopy(emitted, 0, inner, 0, EthernetHeader.HEADER_LENGTH);
            System.arraycopy(emitted, EthernetHeader.HEADER_LENGTH + overhead, inner, EthernetHeader.HEADER_LENGTH,
                    inner.length - EthernetHeader.HEADER_LENGTH);
            assertEquals(0x08, emitted[12], "an IPv4 outer header");
            return inner;
        }
    }
}
