package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.IcmpHeader;
import io.lvs4j.core.packet.Ipv4Header;
import io.lvs4j.core.packet.Icmpv6Header;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NatRewriter;
import io.lvs4j.core.packet.PacketBuilder;
import io.lvs4j.core.packet.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds 1.2 million mutated frames (seeded, so reproducible) through the parser, the
 * connection tables and the NAT rewriter, as the data path would: no exception may escape and
 * every frame must be either parsed or counted as a drop.
 */
class FrameFuzzTest {

    private static final int FRAMES = 1_200_000;
    private static final int MAX_FRAME = 256;

    @Test
    void shouldParseOrCountEveryMutatedFrameWithoutThrowing() {
        List<byte[]> corpus = corpus();
        SplittableRandom random = new SplittableRandom(20261125L);
        DestinationRegistry registry = new DestinationRegistry(4);
        ConnectionCounters counters = new ConnectionCounters();
        registry.register(1, counters, 1);
        ConnectionTableTest.ManualClock clock = new ConnectionTableTest.ManualClock(0);
        LoopCounters<DropReason> drops = new LoopCounters<>(DropReason.class);
        FrameParser parser = new FrameParser();
        byte[] buffer = new byte[MAX_FRAME];
        MemorySegment frame = MemorySegment.ofArray(buffer);
        MemorySegment server = MemorySegment.ofArray(new byte[] {
            (byte) 198, 18, 1, 7, 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
        long parsedWithPorts = 0;
        long parsed = 0;
        long quoted = 0;
        try (ConnectionTable v4 = ConnectionTable.builder().capacity(50_000).clock(clock)
                        .registry(registry).seed(1).build();
                ConnectionTable v6 = ConnectionTable.builder().ipv6().capacity(50_000).clock(clock)
                        .registry(registry).seed(2).build()) {
            for (int i = 0; i < FRAMES; i++) {
                byte[] seed = corpus.get(random.nextInt(corpus.size()));
                int length = mutate(seed, buffer, random);
                DropReason reason = parser.parse(frame, 0, length);
                DropReason expected = referenceLinkAndIpv4(frame, length);
                if (expected != null) {
                    if (expected != DropReason.NONE) {
                        assertEquals(expected, reason, "frame " + i);
                    } else {
                        assertTrue(!reason.name().startsWith("IPV4") && !reason.name().startsWith("ETHERNET"),
                                "frame " + i + ": " + reason);
                    }
                }
                if (reason == DropReason.NONE) {
                    parsed++;
                    if (parser.quotedVersion() == 4) {
                        NatRewriter.icmpToServerIpv4(parser, 0xC6120107, 8080);
                        quoted++;
                    }
                    if (parser.ipVersion() != 0 && parser.hasPorts()) {
                        parsedWithPorts++;
                        reason = track(parser, parser.ipVersion() == 4 ? v4 : v6, server, i);
                    }
                }
                drops.increment(reason);
                if ((i & 0xFFF) == 0) {
                    clock.advance(7_000_000_000L);
                    v4.expire();
                    v6.expire();
                }
            }
            long counted = 0;
            for (DropReason r : DropReason.values()) {
                counted += drops.get(r);
            }
            assertEquals(FRAMES, counted, "every frame is parsed or counted as a drop");
            assertTrue(parsed > FRAMES / 10, "mutations keep many frames valid: " + parsed);
            assertTrue(parsedWithPorts > FRAMES / 20, "many reach the table: " + parsedWithPorts);
            long dropped = drops.total() - drops.get(DropReason.NONE);
            assertTrue(dropped > FRAMES / 10, "many are dropped: " + dropped);
            assertTrue(quoted > 1000, "ICMP errors with quotes reach the rewriter: " + quoted);
            assertTrue(drops.get(DropReason.IPV4_BAD_CHECKSUM) > 0);
            assertTrue(drops.get(DropReason.TCP_BAD_DATA_OFFSET) > 0);
            assertTrue(drops.get(DropReason.IPV6_BAD_EXTENSION_HEADER) > 0);
            assertEquals(v4.size() + v6.size(),
                    counters.activeConnections() + counters.inactiveConnections());
        }
    }

    private final EthernetHeader referenceEthernet = new EthernetHeader();
    private final FlowTuple flow = new FlowTuple();
    private final Ipv4Header referenceIpv4 = new Ipv4Header();

    /**
     * The Ethernet and IPv4 verdict of the flyweights' own validate methods, which the
     * parser's faster inlined checks must match; null for frames that are not IPv4.
     */
    private DropReason referenceLinkAndIpv4(MemorySegment frame, int length) {
        DropReason reason = referenceEthernet.wrap(frame, 0).validate(length);
        if (reason != DropReason.NONE) {
            return reason;
        }
        if (referenceEthernet.etherType() != EthernetHeader.TYPE_IPV4) {
            return null;
        }
        int l2 = referenceEthernet.headerLength();
        return referenceIpv4.wrap(frame, l2).validate(length - l2, true);
    }

    /** What the data path does with a parsed frame: look up, insert, move state, rewrite. */
    private DropReason track(FrameParser p, ConnectionTable table, MemorySegment server, int i) {
        int protocol = p.protocol();
        int e = table.lookup(flow.fromClient(p));
        if (e == ConnectionTable.MISS) {
            e = table.lookupReply(flow.fromServer(p));
            if (e != ConnectionTable.MISS && protocol == 6) {
                table.onTcpPacket(e, PacketDirection.OUTPUT, p.tcpFlags());
                return DropReason.NONE;
            }
        }
        if (e == ConnectionTable.MISS) {
            long serverOffset = p.ipVersion() == 4 ? 0 : 4;
            e = table.insert(flow.fromClient(p).server(server, serverOffset, 8080), 1,
                    (i & 1) == 0 ? ForwardingMethod.DIRECT_ROUTE : ForwardingMethod.MASQUERADE,
                    ConnectionTable.MISS);
            if (e == ConnectionTable.MISS) {
                return DropReason.CONNECTION_TABLE_FULL;
            }
        }
        if (protocol == 6) {
            table.onTcpPacket(e, PacketDirection.INPUT, p.tcpFlags());
        } else {
            table.onPacket(e);
        }
        if (p.ipVersion() == 4) {
            NatRewriter.destinationIpv4(p, table.destinationAddressIpv4(e), table.destinationPort(e));
        } else {
            NatRewriter.destinationIpv6(p, table.memory(), table.destinationAddressOffset(e),
                    table.destinationPort(e));
        }
        return DropReason.NONE;
    }

    private static int mutate(byte[] seed, byte[] out, SplittableRandom random) {
        int length = seed.length;
        System.arraycopy(seed, 0, out, 0, length);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(7)) {
                case 0 -> { // flip one bit
                    int at = random.nextInt(length == 0 ? 1 : length);
                    if (at < length) {
                        out[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // random byte in the headers
                    int at = random.nextInt(Math.max(1, Math.min(length, 80)));
                    if (at < length) {
                        out[at] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> length = random.nextInt(length + 1); // truncate
                case 3 -> { // extend with junk
                    int grown = Math.min(MAX_FRAME, length + random.nextInt(40));
                    for (int k = length; k < grown; k++) {
                        out[k] = (byte) random.nextInt(256);
                    }
                    length = grown;
                }
                case 4 -> { // interesting 16-bit value at a random even offset (length fields)
                    int at = random.nextInt(Math.max(1, length / 2)) * 2;
                    if (at + 1 < length) {
                        int value = switch (random.nextInt(5)) {
                            case 0 -> 0;
                            case 1 -> 0xFFFF;
                            case 2 -> length - 14;
                            case 3 -> length + 1;
                            default -> random.nextInt(65536);
                        };
                        out[at] = (byte) (value >>> 8);
                        out[at + 1] = (byte) value;
                    }
                }
                case 5 -> { // nibble of IHL / data offset / version
                    int at = random.nextInt(Math.max(1, Math.min(length, 80)));
                    if (at < length) {
                        out[at] = (byte) ((out[at] & 0xF0) | random.nextInt(16));
                    }
                }
                default -> { // keep as is: valid frames must pass too
                }
            }
        }
        return length;
    }

    private static List<byte[]> corpus() {
        byte[] quoted4 = new PacketBuilder().ipv4("198.18.0.100", "198.18.0.1")
                .tcp(80, 40000, TcpHeader.ACK).payload(new byte[64]).buildIpPacket();
        byte[] quoted6 = new PacketBuilder().ipv6("2001:db8::100", "2001:db8::1")
                .udp(53, 40000).payload(new byte[64]).buildIpPacket();
        return List.of(
                new PacketBuilder().ipv4("198.18.0.1", "198.18.0.100").tcp(40000, 80, TcpHeader.SYN).build(),
                new PacketBuilder().ipv4("198.18.0.2", "198.18.0.100").tcp(40001, 80, TcpHeader.ACK)
                        .payload(new byte[32]).build(),
                new PacketBuilder().ipv4("198.18.1.7", "198.18.0.1").tcp(8080, 40000, TcpHeader.SYN | TcpHeader.ACK).build(),
                new PacketBuilder().vlan(7).ipv4("198.18.0.3", "198.18.0.100").ipv4Options(new byte[] {1, 1, 1, 1})
                        .tcp(40002, 80, TcpHeader.FIN | TcpHeader.ACK).tcpOptions(new byte[] {2, 4, 5, (byte) 180}).build(),
                new PacketBuilder().ipv4("198.18.0.4", "198.18.0.100").udp(5353, 53).payload(new byte[20]).build(),
                new PacketBuilder().ipv4("198.18.0.5", "198.18.0.100").fragment(0, true).udp(5000, 53)
                        .payload(new byte[24]).build(),
                new PacketBuilder().ipv4("198.18.0.5", "198.18.0.100").fragment(32, false).rawTransport(17)
                        .payload(new byte[24]).build(),
                new PacketBuilder().ipv4("198.18.9.9", "198.18.0.100")
                        .icmp(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400)
                        .payload(Arrays.copyOf(quoted4, 48)).build(),
                new PacketBuilder().ipv4("198.18.9.9", "198.18.0.100").icmp(IcmpHeader.TYPE_ECHO_REQUEST, 0, 1)
                        .payload(new byte[16]).build(),
                new PacketBuilder().arp(ArpPacket.OP_REQUEST, 0x020000000009L, "198.18.0.9", 0, "198.18.0.100").build(),
                new PacketBuilder().ipv6("2001:db8::1", "2001:db8::100").tcp(40000, 80, TcpHeader.SYN).build(),
                new PacketBuilder().ipv6("2001:db8::2", "2001:db8::100")
                        .ipv6Extension(Ipv6Header.NEXT_HOP_BY_HOP, new byte[4])
                        .ipv6Extension(Ipv6Header.NEXT_ROUTING, new byte[14])
                        .udp(5353, 53).payload(new byte[12]).build(),
                new PacketBuilder().vlan(100).ipv6("2001:db8::3", "2001:db8::100").ipv6Fragment(0, true, 99)
                        .tcp(40003, 80, TcpHeader.ACK).payload(new byte[16]).build(),
                new PacketBuilder().ipv6("2001:db8::ff", "2001:db8::100")
                        .icmpv6(Icmpv6Header.TYPE_PACKET_TOO_BIG, 0, 1280).payload(Arrays.copyOf(quoted6, 56)).build(),
                new PacketBuilder().ipv6("2001:db8::ff", "2001:db8::100")
                        .icmpv6(Icmpv6Header.TYPE_NEIGHBOR_SOLICITATION, 0, 0).payload(new byte[16]).build());
    }
}
