package io.lvs4j.core.packet;

import static io.lvs4j.core.packet.NetworkOrder.u16;
import static io.lvs4j.core.packet.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Parses an Ethernet frame down to its transport header with the flyweights of this package,
 * checking every length on the way, and keeps where each header starts.
 *
 * <p>{@link #parse(MemorySegment, long, long)} returns {@link DropReason#NONE} for a frame the
 * director can use: ARP, or IPv4/IPv6 with a complete TCP, UDP, ICMP or ICMPv6 header (or any
 * other protocol, whose header is not checked; or a non-first fragment, which has none).
 * ICMP and ICMPv6 errors must quote a well-formed IP header and the first 8 bytes of its
 * transport header; the quote is then described by the {@code quoted*} accessors. L4
 * checksums are not verified on receive (frames from local senders carry partial checksums).
 *
 * <p>Not thread-safe: one parser per event loop, reused for every frame. Never throws on
 * frame contents and never allocates.
 */
public final class FrameParser {

    private final EthernetHeader ethernet = new EthernetHeader();
    private final ArpPacket arp = new ArpPacket();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();
    private final Ipv4Header quotedIpv4 = new Ipv4Header();
    private final Ipv6Header quotedIpv6 = new Ipv6Header();
    private final boolean verifyIpv4Checksum;

    private MemorySegment segment;
    private int etherType;
    private long l3Offset;
    private int ipVersion;
    private int protocol;
    private long l4Offset;
    private int l4Length;
    private boolean fragment;
    private int quotedVersion;
    private long quotedL3Offset;
    private int quotedProtocol;
    private long quotedL4Offset;
    private int ports;
    private int tcpFlags;

    /** Creates a parser that verifies IPv4 header checksums. */
    public FrameParser() {
        this(true);
    }

    /**
     * Creates a parser.
     *
     * @param verifyIpv4Checksum whether IPv4 header checksums are verified
     */
    public FrameParser(boolean verifyIpv4Checksum) {
        this.verifyIpv4Checksum = verifyIpv4Checksum;
    }

    /**
     * Parses a frame.
     *
     * @param frame the memory holding the frame
     * @param offset where the Ethernet header starts
     * @param length the frame's length in bytes
     * @return {@link DropReason#NONE} if the frame is usable, otherwise why not
     */
    public DropReason parse(MemorySegment frame, long offset, long length) {
        segment = frame;
        ipVersion = 0;
        protocol = -1;
        l3Offset = -1;
        l4Offset = -1;
        l4Length = 0;
        fragment = false;
        quotedVersion = 0;
        quotedL3Offset = -1;
        quotedProtocol = -1;
        quotedL4Offset = -1;
        ports = 0;
        tcpFlags = 0;
        if (length < 0 || offset < 0 || offset + length > frame.byteSize()) {
            return DropReason.ETHERNET_TRUNCATED;
        }
        ethernet.wrap(frame, offset);
        if (length < EthernetHeader.HEADER_LENGTH) {
            return DropReason.ETHERNET_TRUNCATED;
        }
        // The checks of EthernetHeader.validate, with each field read once.
        int type = u16(frame, offset + EthernetHeader.ETHER_TYPE_OFFSET);
        int l2 = EthernetHeader.HEADER_LENGTH;
        if (type == EthernetHeader.TYPE_VLAN) {
            if (length < EthernetHeader.TAGGED_HEADER_LENGTH) {
                return DropReason.ETHERNET_TRUNCATED;
            }
            type = u16(frame, offset + EthernetHeader.INNER_ETHER_TYPE_OFFSET);
            l2 = EthernetHeader.TAGGED_HEADER_LENGTH;
        }
        if (type == EthernetHeader.TYPE_VLAN || type == EthernetHeader.TYPE_QINQ) {
            return DropReason.ETHERNET_STACKED_VLAN;
        }
        etherType = type;
        l3Offset = offset + l2;
        long l3Available = length - l2;
        return switch (type) {
            case EthernetHeader.TYPE_IPV4 -> parseIpv4(l3Available);
            case EthernetHeader.TYPE_IPV6 -> parseIpv6(l3Available);
            case EthernetHeader.TYPE_ARP -> arp.wrap(frame, l3Offset).validate(l3Available);
            default -> DropReason.UNSUPPORTED_ETHER_TYPE;
        };
    }

    /** The checks of {@link Ipv4Header#validate}, reading the fixed header in three loads. */
    private DropReason parseIpv4(long available) {
        long at = l3Offset;
        ipv4.wrap(segment, at);
        if (available < Ipv4Header.MIN_HEADER_LENGTH) {
            return DropReason.IPV4_TRUNCATED;
        }
        long first = segment.get(NetworkOrder.U64, at);
        int versionIhl = (int) (first >>> 56);
        if ((versionIhl >>> 4) != 4) {
            return DropReason.IPV4_BAD_VERSION;
        }
        int headerLength = (versionIhl & 0x0F) << 2;
        int totalLength = (int) (first >>> 32) & 0xFFFF;
        if (headerLength < Ipv4Header.MIN_HEADER_LENGTH || headerLength > totalLength) {
            return DropReason.IPV4_BAD_HEADER_LENGTH;
        }
        if (totalLength > available) {
            return DropReason.IPV4_TRUNCATED;
        }
        long second = segment.get(NetworkOrder.U64, at + 8);
        if (verifyIpv4Checksum) {
            int third = segment.get(NetworkOrder.U32, at + 16);
            long sum = words(first) + words(second) + (third >>> 16) + (third & 0xFFFF);
            if (headerLength > Ipv4Header.MIN_HEADER_LENGTH) {
                sum = Checksums.add(segment, at + Ipv4Header.MIN_HEADER_LENGTH,
                        headerLength - Ipv4Header.MIN_HEADER_LENGTH, sum);
            }
            if (Checksums.finish(sum) != 0) {
                return DropReason.IPV4_BAD_CHECKSUM;
            }
        }
        ipVersion = 4;
        protocol = (int) (second >>> 48) & 0xFF;
        int flagsFragment = (int) first & 0xFFFF;
        fragment = (flagsFragment & (Ipv4Header.FLAG_MF | 0x1FFF)) != 0;
        l4Length = totalLength - headerLength;
        if ((flagsFragment & 0x1FFF) != 0) {
            return DropReason.NONE;
        }
        l4Offset = at + headerLength;
        return parseTransport();
    }

    private static long words(long value) {
        return (value >>> 48) + ((value >>> 32) & 0xFFFF) + ((value >>> 16) & 0xFFFF) + (value & 0xFFFF);
    }

    private DropReason parseIpv6(long available) {
        DropReason reason = ipv6.wrap(segment, l3Offset).validate(available);
        if (reason != DropReason.NONE) {
            return reason;
        }
        ipVersion = 6;
        protocol = ipv6.upperLayerProtocol();
        fragment = ipv6.isFragment();
        l4Length = ipv6.upperLayerLength();
        if (ipv6.fragmentOffset() != 0) {
            return DropReason.NONE;
        }
        l4Offset = ipv6.upperLayerOffset();
        return parseTransport();
    }

    private DropReason parseTransport() {
        switch (protocol) {
            case Ipv4Header.PROTOCOL_TCP: {
                DropReason reason = tcp.wrap(segment, l4Offset).validate(l4Length);
                if (reason == DropReason.NONE) {
                    ports = segment.get(NetworkOrder.U32, l4Offset);
                    tcpFlags = NetworkOrder.u8(segment, l4Offset + TcpHeader.FLAGS_OFFSET);
                }
                return reason;
            }
            case Ipv4Header.PROTOCOL_UDP: {
                DropReason reason = fragment
                        ? (l4Length < UdpHeader.HEADER_LENGTH ? DropReason.UDP_TRUNCATED : DropReason.NONE)
                        : udp.wrap(segment, l4Offset).validate(l4Length);
                if (reason == DropReason.NONE) {
                    udp.wrap(segment, l4Offset);
                    ports = segment.get(NetworkOrder.U32, l4Offset);
                }
                return reason;
            }
            case Ipv4Header.PROTOCOL_ICMP:
                if (ipVersion != 4) {
                    return DropReason.NONE;
                }
                if (icmp.wrap(segment, l4Offset).validate(l4Length) != DropReason.NONE) {
                    return DropReason.ICMP_TRUNCATED;
                }
                return icmp.isError() ? parseQuote(icmp.quoteOffset(), l4Length - IcmpHeader.QUOTE_OFFSET)
                        : DropReason.NONE;
            case Ipv6Header.NEXT_ICMPV6:
                if (ipVersion != 6) {
                    return DropReason.NONE;
                }
                if (icmpv6.wrap(segment, l4Offset).validate(l4Length) != DropReason.NONE) {
                    return DropReason.ICMP_TRUNCATED;
                }
                return icmpv6.isError()
                        ? parseQuote(icmpv6.quoteOffset(), l4Length - Icmpv6Header.QUOTE_OFFSET)
                        : DropReason.NONE;
            default:
                return DropReason.NONE;
        }
    }

    private DropReason parseQuote(long at, long available) {
        if (available < 1) {
            return DropReason.ICMP_BAD_QUOTE;
        }
        int version = u8(segment, at) >>> 4;
        long transportAt;
        int transport;
        if (ipVersion == 4) {
            if (version != 4 || available < Ipv4Header.MIN_HEADER_LENGTH) {
                return DropReason.ICMP_BAD_QUOTE;
            }
            quotedIpv4.wrap(segment, at);
            int headerLength = quotedIpv4.headerLength();
            if (headerLength < Ipv4Header.MIN_HEADER_LENGTH || headerLength > available) {
                return DropReason.ICMP_BAD_QUOTE;
            }
            transport = quotedIpv4.protocol();
            transportAt = at + headerLength;
        } else {
            if (quotedIpv6.wrap(segment, at).validateQuoted(available) != DropReason.NONE) {
                return DropReason.ICMP_BAD_QUOTE;
            }
            transport = quotedIpv6.upperLayerProtocol();
            transportAt = quotedIpv6.upperLayerOffset();
        }
        if (transportAt + 8 > at + available) {
            return DropReason.ICMP_BAD_QUOTE;
        }
        quotedVersion = ipVersion;
        quotedL3Offset = at;
        quotedProtocol = transport;
        quotedL4Offset = transportAt;
        return DropReason.NONE;
    }

    /** @return the Ethernet flyweight, wrapped on the frame */
    public EthernetHeader ethernet() {
        return ethernet;
    }

    /** @return the ARP flyweight; meaningful when {@link #etherType()} is ARP */
    public ArpPacket arp() {
        return arp;
    }

    /** @return the IPv4 flyweight; meaningful when {@link #ipVersion()} is 4 */
    public Ipv4Header ipv4() {
        return ipv4;
    }

    /** @return the IPv6 flyweight; meaningful when {@link #ipVersion()} is 6 */
    public Ipv6Header ipv6() {
        return ipv6;
    }

    /** @return the TCP flyweight; meaningful when {@link #protocol()} is 6 and L4 is present */
    public TcpHeader tcp() {
        return tcp;
    }

    /** @return the UDP flyweight; meaningful when {@link #protocol()} is 17 and L4 is present */
    public UdpHeader udp() {
        return udp;
    }

    /** @return the ICMP flyweight; meaningful when {@link #protocol()} is 1 over IPv4 */
    public IcmpHeader icmp() {
        return icmp;
    }

    /** @return the ICMPv6 flyweight; meaningful when {@link #protocol()} is 58 over IPv6 */
    public Icmpv6Header icmpv6() {
        return icmpv6;
    }

    /** @return the frame's memory */
    public MemorySegment segment() {
        return segment;
    }

    /** @return the EtherType after the VLAN tag */
    public int etherType() {
        return etherType;
    }

    /** @return the absolute offset of the network header */
    public long l3Offset() {
        return l3Offset;
    }

    /** @return 4 or 6 for IP, 0 otherwise */
    public int ipVersion() {
        return ipVersion;
    }

    /** @return the transport protocol number, -1 if not IP */
    public int protocol() {
        return protocol;
    }

    /** @return the absolute offset of the transport header, -1 if absent (non-first fragment) */
    public long l4Offset() {
        return l4Offset;
    }

    /** @return the transport length as the IP header gives it (of this fragment) */
    public int l4Length() {
        return l4Length;
    }

    /** @return true if the packet is an IP fragment */
    public boolean fragment() {
        return fragment;
    }

    /** @return the absolute offset of the source address (4 or 16 bytes), -1 if not IP */
    public long sourceAddressOffset() {
        return ipVersion == 4 ? l3Offset + Ipv4Header.SOURCE_OFFSET
                : ipVersion == 6 ? l3Offset + Ipv6Header.SOURCE_OFFSET : -1;
    }

    /** @return the absolute offset of the destination address, -1 if not IP */
    public long destinationAddressOffset() {
        return ipVersion == 4 ? l3Offset + Ipv4Header.DESTINATION_OFFSET
                : ipVersion == 6 ? l3Offset + Ipv6Header.DESTINATION_OFFSET : -1;
    }

    /** @return true if a TCP or UDP header is present, so that ports are known */
    public boolean hasPorts() {
        return l4Offset >= 0
                && (protocol == Ipv4Header.PROTOCOL_TCP || protocol == Ipv4Header.PROTOCOL_UDP);
    }

    /** @return the source port of TCP or UDP, 0 otherwise */
    public int sourcePort() {
        return ports >>> 16;
    }

    /** @return the destination port of TCP or UDP, 0 otherwise */
    public int destinationPort() {
        return ports & 0xFFFF;
    }

    /** @return the TCP flags, 0 if not TCP */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** @return 4 or 6 if an ICMP error quoted a packet, 0 otherwise */
    public int quotedVersion() {
        return quotedVersion;
    }

    /** @return the absolute offset of the quoted IP header, -1 if none */
    public long quotedL3Offset() {
        return quotedL3Offset;
    }

    /** @return the quoted packet's transport protocol, -1 if none */
    public int quotedProtocol() {
        return quotedProtocol;
    }

    /** @return the absolute offset of the quoted transport header (8 bytes present), -1 if none */
    public long quotedL4Offset() {
        return quotedL4Offset;
    }

    /** @return the absolute offset of the quoted packet's source address, -1 if none */
    public long quotedSourceAddressOffset() {
        return quotedVersion == 4 ? quotedL3Offset + Ipv4Header.SOURCE_OFFSET
                : quotedVersion == 6 ? quotedL3Offset + Ipv6Header.SOURCE_OFFSET : -1;
    }

    /** @return the absolute offset of the quoted packet's destination address, -1 if none */
    public long quotedDestinationAddressOffset() {
        return quotedVersion == 4 ? quotedL3Offset + Ipv4Header.DESTINATION_OFFSET
                : quotedVersion == 6 ? quotedL3Offset + Ipv6Header.DESTINATION_OFFSET : -1;
    }

    private boolean quotedPorts() {
        return quotedL4Offset >= 0
                && (quotedProtocol == Ipv4Header.PROTOCOL_TCP || quotedProtocol == Ipv4Header.PROTOCOL_UDP);
    }

    /** @return the quoted packet's TCP or UDP source port, 0 otherwise */
    public int quotedSourcePort() {
        return quotedPorts() ? u16(segment, quotedL4Offset) : 0;
    }

    /** @return the quoted packet's TCP or UDP destination port, 0 otherwise */
    public int quotedDestinationPort() {
        return quotedPorts() ? u16(segment, quotedL4Offset + 2) : 0;
    }
}
