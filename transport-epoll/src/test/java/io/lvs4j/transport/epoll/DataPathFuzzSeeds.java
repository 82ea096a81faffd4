package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import io.netty.channel.IoEventLoopGroup;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.lvs4j.transport.epoll.DataPathFuzzSetup.DIRECTOR;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.DIRECTOR_MAC;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.RS1_MAC;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.RS2_MAC;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.RS6_MAC;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.VIP;
import static io.lvs4j.transport.epoll.DataPathFuzzSetup.VIP6;

/**
 * The seeds of {@link DataPathFuzzTest}: whole conversations through a director of each setup.
 * A server's reply answers the frame the director really sent it (so NAT and full-NAT replies
 * carry the addresses and local ports the director chose), which a conversation learns by
 * running its frames through a director of the same setup as it writes them.
 */
final class DataPathFuzzSeeds {

    private DataPathFuzzSeeds() {
    }

    /** @return the fuzz method of a setup, whose corpus the seeds start */
    static String method(DataPathFuzzSetup setup) {
        return switch (setup) {
            case DIRECT_ROUTE -> "directRoute";
            case MASQUERADE -> "masquerade";
            case FULL_NAT -> "fullNat";
            case TUNNEL -> "tunnel";
            case EVERY_METHOD -> "everyMethod";
        };
    }

    /**
     * Makes the seeds of a setup.
     *
     * @param setup the director's setup
     * @param loops loops to build the recording director with
     * @return the seeds by name
     */
    static Map<String, byte[]> of(DataPathFuzzSetup setup, IoEventLoopGroup loops) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("seed-tcp4", conversation(setup, loops, c -> tcp4(c, VIP, 41000)));
        seeds.put("seed-tcp6", conversation(setup, loops, c -> tcp6(c, 41001)));
        if (setup != DataPathFuzzSetup.EVERY_METHOD) {
            seeds.put("seed-udp4", conversation(setup, loops, c -> udp4(c, VIP, 41002)));
        }
        if (setup == DataPathFuzzSetup.TUNNEL || setup == DataPathFuzzSetup.EVERY_METHOD) {
            seeds.put("seed-gue", conversation(setup, loops, c -> tcp4(c, "198.18.0.204", 41003)));
        }
        if (setup == DataPathFuzzSetup.EVERY_METHOD) {
            seeds.put("seed-nat-persistent", conversation(setup, loops, c -> {
                tcp4(c, "198.18.0.201", 41004);
                tcp4(c, "198.18.0.201", 41005);
            }));
            seeds.put("seed-full-nat", conversation(setup, loops, c -> tcp4(c, "198.18.0.202", 41006)));
            seeds.put("seed-ipip-udp", conversation(setup, loops, c -> udp4(c, "198.18.0.203", 41007)));
            seeds.put("seed-sloppy-mid-flow", conversation(setup, loops, c -> {
                c.client(DataPathFuzzSetup.tcp4("198.18.0.204", 41008, TcpHeader.ACK, 100));
                c.client(DataPathFuzzSetup.tcp4("198.18.0.204", 41008, TcpHeader.ACK | TcpHeader.FIN, 0));
            }));
        }
        return seeds;
    }

    private static void tcp4(Conversation c, String vip, int port) {
        c.client(DataPathFuzzSetup.tcp4(vip, port, TcpHeader.SYN, 0));
        c.reply(TcpHeader.SYN | TcpHeader.ACK, 0);
        c.client(DataPathFuzzSetup.tcp4(vip, port, TcpHeader.ACK, 200));
        c.reply(TcpHeader.ACK, 1000);
        c.client(DataPathFuzzSetup.fragmentationNeeded(vip, port));
        c.client(DataPathFuzzSetup.tcp4(vip, port, TcpHeader.FIN | TcpHeader.ACK, 0));
        c.reply(TcpHeader.FIN | TcpHeader.ACK, 0);
        c.later(DataPathFuzzSetup.tcp4(vip, port, TcpHeader.ACK, 0));
    }

    private static void tcp6(Conversation c, int port) {
        c.client(DataPathFuzzSetup.tcp6(port, TcpHeader.SYN, 0));
        c.reply(TcpHeader.SYN | TcpHeader.ACK, 0);
        c.client(DataPathFuzzSetup.tcp6(port, TcpHeader.ACK, 300));
        c.reply(TcpHeader.ACK, 800);
        c.client(DataPathFuzzSetup.packetTooBig(port));
        c.client(DataPathFuzzSetup.tcp6(port, TcpHeader.RST, 0));
    }

    private static void udp4(Conversation c, String vip, int port) {
        c.client(DataPathFuzzSetup.udp4(vip, port));
        c.reply(0, 60);
        c.later(DataPathFuzzSetup.udp4(vip, port));
    }

    private static byte[] conversation(DataPathFuzzSetup setup, IoEventLoopGroup loops,
            java.util.function.Consumer<Conversation> script) {
        Conversation c = new Conversation(setup, loops);
        try {
            DataPathFuzzSetup.resolveServers().forEach(c::client);
            DataPathFuzzSetup.askForVips().forEach(c::client);
            script.accept(c);
            return c.records.bytes();
        } finally {
            c.close();
        }
    }

    /** Frames of a conversation, recorded as they go through a director of the setup. */
    private static final class Conversation {

        private final long[] now = {1_000_000_000_000L};
        private final List<VirtualService> services;
        private final PacketDirector director;
        private final DataPath path;
        private final DataPathFuzzTest.Records records = new DataPathFuzzTest.Records();
        private final FrameParser parser = new FrameParser();
        private byte[] lastToServer;

        Conversation(DataPathFuzzSetup setup, IoEventLoopGroup loops) {
            services = setup.services();
            director = setup.director(loops, services, () -> now[0]);
            path = director.newPath((frame, offset, length) -> true);
            path.tick();
        }

        void client(byte[] frame) {
            add(0, frame);
        }

        /** A frame after a pause of 40 s. */
        void later(byte[] frame) {
            now[0] += 10 * 4_000_000_000L;
            path.tick();
            add(10, frame);
        }

        private void add(int control, byte[] frame) {
            records.add(control, frame);
            MemorySegment s = MemorySegment.ofArray(frame.clone());
            if (path.onFrame(s, 0, frame.length)) {
                lastToServer = s.toArray(ValueLayout.JAVA_BYTE);
            }
        }

        /**
         * The server's answer to the frame the director sent it last, if the director sees
         * answers (NAT and full-NAT): from the server's MAC to the director's, addresses and
         * ports swapped.
         */
        void reply(int tcpFlags, int payload) {
            if (lastToServer == null || parser.parse(MemorySegment.ofArray(lastToServer), 0, lastToServer.length)
                    != DropReason.NONE || parser.ethernet().destination() == 0 || !parser.hasPorts()) {
                return;
            }
            long serverMac = parser.ethernet().destination();
            if (serverMac != RS1_MAC && serverMac != RS2_MAC && serverMac != RS6_MAC) {
                return;
            }
            boolean v4 = parser.ipVersion() == 4;
            int addressBytes = v4 ? 4 : 16;
            byte[] source = address(lastToServer, parser.sourceAddressOffset(), addressBytes);
            byte[] destination = address(lastToServer, parser.destinationAddressOffset(), addressBytes);
            if (Arrays.equals(destination, DataPathFuzzSetup.address(v4 ? VIP : VIP6).getAddress())
                    || Arrays.equals(source, DataPathFuzzSetup.address(DIRECTOR).getAddress())) {
                return; // direct routing or a tunnel: the server answers the client itself
            }
            PacketBuilder b = new PacketBuilder().ethernet(serverMac, DIRECTOR_MAC);
            b = v4 ? b.ipv4(text(destination), text(source)) : b.ipv6(text(destination), text(source));
            if (parser.protocol() == 6) {
                b.tcp(parser.destinationPort(), parser.sourcePort(), tcpFlags);
            } else {
                b.udp(parser.destinationPort(), parser.sourcePort());
            }
            byte[] reply = b.payload(new byte[payload]).build();
            lastToServer = null;
            add(0, reply);
        }

        void close() {
            path.release();
            director.close();
        }

        private static byte[] address(byte[] frame, long offset, int length) {
            return Arrays.copyOfRange(frame, (int) offset, (int) offset + length);
        }

        private static String text(byte[] address) {
            try {
                return InetAddress.getByAddress(address).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
