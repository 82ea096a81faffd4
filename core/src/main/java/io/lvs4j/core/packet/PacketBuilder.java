package io.lvs4j.core.packet;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Makes valid frames of every kind the parsers read: Ethernet (optionally with one 802.1Q
 * tag) carrying ARP, or IPv4 (options, fragments, DF) or IPv6 (extension headers) carrying
 * TCP, UDP, ICMP or ICMPv6, with correct lengths and checksums. Meant for tests of every
 * module and for benchmarks; it allocates and is not for the hot path.
 *
 * <pre>{@code
 * byte[] syn = new PacketBuilder()
 *         .ipv4("198.18.0.1", "198.18.0.100")
 *         .tcp(40000, 80, TcpHeader.SYN)
 *         .build();
 * }</pre>
 *
 * Not thread-safe.
 */
public final class PacketBuilder {

    /** Source MAC address used unless {@link #ethernet(long, long)} sets one. */
    public static final long DEFAULT_SOURCE_MAC = 0x02_00_00_00_00_01L;
    /** Destination MAC address used unless {@link #ethernet(long, long)} sets one. */
    public static final long DEFAULT_DESTINATION_MAC = 0x02_00_00_00_00_02L;

    private enum L3 { NONE, IPV4, IPV6, ARP }

    private enum L4 { NONE, TCP, UDP, ICMP, ICMPV6, RAW }

    private long sourceMac = DEFAULT_SOURCE_MAC;
    private long destinationMac = DEFAULT_DESTINATION_MAC;
    private int vlanId = -1;

    private L3 l3 = L3.NONE;
    private byte[] sourceIp;
    private byte[] destinationIp;
    private int ttl = 64;
    private int identification;
    private int flagsAndFragment;
    private byte[] ipv4Options = new byte[0];
    private final ByteArrayOutputStream extensionHeaders = new ByteArrayOutputStream();
    private int firstExtensionType = -1;
    private long lastNextHeaderIndex = -1;

    private int arpOperation;
    private long arpSenderMac;
    private long arpTargetMac;

    private L4 l4 = L4.NONE;
    private int rawProtocol;
    private int sourcePort;
    private int destinationPort;
    private int tcpFlags;
    private int sequence;
    private int acknowledgment;
    private int window = 65535;
    private byte[] tcpOptions = new byte[0];
    private boolean udpChecksum = true;
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private byte[] payload = new byte[0];

    /** Creates a builder with default MAC addresses and no VLAN tag. */
    public PacketBuilder() {
    }

    /**
     * Sets the MAC addresses.
     *
     * @param source the source MAC in the low 48 bits
     * @param destination the destination MAC in the low 48 bits
     * @return this
     */
    public PacketBuilder ethernet(long source, long destination) {
        this.sourceMac = source;
        this.destinationMac = destination;
        return this;
    }

    /**
     * Adds one 802.1Q tag.
     *
     * @param id the VLAN id, 0 to 4095
     * @return this
     */
    public PacketBuilder vlan(int id) {
        this.vlanId = id & 0x0FFF;
        return this;
    }

    /**
     * Makes an ARP packet for Ethernet and IPv4.
     *
     * @param operation {@link ArpPacket#OP_REQUEST} or {@link ArpPacket#OP_REPLY}
     * @param senderMac the sender MAC
     * @param senderIp the sender IPv4 address, dotted
     * @param targetMac the target MAC (0 in a request)
     * @param targetIp the target IPv4 address, dotted
     * @return this
     */
    public PacketBuilder arp(int operation, long senderMac, String senderIp, long targetMac,
            String targetIp) {
        this.l3 = L3.ARP;
        this.arpOperation = operation;
        this.arpSenderMac = senderMac;
        this.arpTargetMac = targetMac;
        this.sourceIp = address(senderIp, 4);
        this.destinationIp = address(targetIp, 4);
        return this;
    }

    /**
     * Makes an IPv4 packet.
     *
     * @param source the source address, dotted
     * @param destination the destination address, dotted
     * @return this
     */
    public PacketBuilder ipv4(String source, String destination) {
        this.l3 = L3.IPV4;
        this.sourceIp = address(source, 4);
        this.destinationIp = address(destination, 4);
        return this;
    }

    /**
     * Makes an IPv6 packet.
     *
     * @param source the source address, textual
     * @param destination the destination address, textual
     * @return this
     */
    public PacketBuilder ipv6(String source, String destination) {
        this.l3 = L3.IPV6;
        this.sourceIp = address(source, 16);
        this.destinationIp = address(destination, 16);
        return this;
    }

    /**
     * Sets the IPv4 time to live or the IPv6 hop limit.
     *
     * @param value 0 to 255
     * @return this
     */
    public PacketBuilder ttl(int value) {
        this.ttl = value;
        return this;
    }

    /**
     * Sets the IPv4 identification.
     *
     * @param id the identification
     * @return this
     */
    public PacketBuilder identification(int id) {
        this.identification = id;
        return this;
    }

    /**
     * Sets the IPv4 don't-fragment flag.
     *
     * @return this
     */
    public PacketBuilder dontFragment() {
        this.flagsAndFragment |= Ipv4Header.FLAG_DF;
        return this;
    }

    /**
     * Makes the IPv4 packet a fragment.
     *
     * @param offsetBytes the fragment offset, a multiple of 8
     * @param more whether more fragments follow
     * @return this
     */
    public PacketBuilder fragment(int offsetBytes, boolean more) {
        this.flagsAndFragment = (flagsAndFragment & Ipv4Header.FLAG_DF) | ((offsetBytes >>> 3) & 0x1FFF)
                | (more ? Ipv4Header.FLAG_MF : 0);
        return this;
    }

    /**
     * Sets IPv4 options, padded with zeros (end of options) to a multiple of 4 bytes.
     *
     * @param options the option bytes, at most 40
     * @return this
     */
    public PacketBuilder ipv4Options(byte[] options) {
        this.ipv4Options = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /**
     * Appends an IPv6 extension header with the generic layout (hop-by-hop, routing,
     * destination options); the data is padded so that the header is a multiple of 8 bytes.
     *
     * @param type {@link Ipv6Header#NEXT_HOP_BY_HOP}, {@link Ipv6Header#NEXT_ROUTING} or
     *     {@link Ipv6Header#NEXT_DESTINATION_OPTIONS}
     * @param data the bytes after the two-byte prefix
     * @return this
     */
    public PacketBuilder ipv6Extension(int type, byte[] data) {
        int length = (data.length + 2 + 7) & ~7;
        byte[] header = new byte[length];
        header[1] = (byte) (length / 8 - 1);
        System.arraycopy(data, 0, header, 2, data.length);
        return appendExtension(type, header);
    }

    /**
     * Appends an IPv6 fragment header.
     *
     * @param offsetBytes the fragment offset, a multiple of 8
     * @param more whether more fragments follow
     * @param id the fragment identification
     * @return this
     */
    public PacketBuilder ipv6Fragment(int offsetBytes, boolean more, int id) {
        byte[] header = new byte[8];
        int word = (offsetBytes & 0xFFF8) | (more ? 1 : 0);
        header[2] = (byte) (word >>> 8);
        header[3] = (byte) word;
        header[4] = (byte) (id >>> 24);
        header[5] = (byte) (id >>> 16);
        header[6] = (byte) (id >>> 8);
        header[7] = (byte) id;
        return appendExtension(Ipv6Header.NEXT_FRAGMENT, header);
    }

    private PacketBuilder appendExtension(int type, byte[] header) {
        byte[] so = extensionHeaders.toByteArray();
        if (firstExtensionType < 0) {
            firstExtensionType = type;
        } else {
            so[(int) lastNextHeaderIndex] = (byte) type;
            extensionHeaders.reset();
            extensionHeaders.writeBytes(so);
        }
        lastNextHeaderIndex = extensionHeaders.size();
        extensionHeaders.writeBytes(header);
        return this;
    }

    /**
     * Makes a TCP segment.
     *
     * @param source the source port
     * @param destination the destination port
     * @param flags {@link TcpHeader#SYN}, {@link TcpHeader#ACK}, ... combined
     * @return this
     */
    public PacketBuilder tcp(int source, int destination, int flags) {
        this.l4 = L4.TCP;
        this.sourcePort = source;
        this.destinationPort = destination;
        this.tcpFlags = flags;
        return this;
    }

    /**
     * Sets the TCP sequence and acknowledgment numbers.
     *
     * @param seq the sequence number
     * @param ack the acknowledgment number
     * @return this
     */
    public PacketBuilder sequence(int seq, int ack) {
        this.sequence = seq;
        this.acknowledgment = ack;
        return this;
    }

    /**
     * Sets TCP options, padded with zeros to a multiple of 4 bytes.
     *
     * @param options the option bytes, at most 40
     * @return this
     */
    public PacketBuilder tcpOptions(byte[] options) {
        this.tcpOptions = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /**
     * Makes a UDP datagram.
     *
     * @param source the source port
     * @param destination the destination port
     * @return this
     */
    public PacketBuilder udp(int source, int destination) {
        this.l4 = L4.UDP;
        this.sourcePort = source;
        this.destinationPort = destination;
        return this;
    }

    /**
     * Leaves the UDP checksum 0 (allowed over IPv4 only).
     *
     * @return this
     */
    public PacketBuilder noUdpChecksum() {
        this.udpChecksum = false;
        return this;
    }

    /**
     * Makes an ICMP message; for an error, give the quoted packet as payload (for example
     * from another builder's {@link #buildIpPacket()}).
     *
     * @param type the type
     * @param code the code
     * @param rest the 4 bytes after the checksum (the MTU in the low 16 bits for
     *     "fragmentation needed")
     * @return this
     */
    public PacketBuilder icmp(int type, int code, int rest) {
        this.l4 = L4.ICMP;
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpRest = rest;
        return this;
    }

    /**
     * Makes an ICMPv6 message; for an error, give the quoted packet as payload.
     *
     * @param type the type
     * @param code the code
     * @param rest the 4 bytes after the checksum (the MTU for "packet too big")
     * @return this
     */
    public PacketBuilder icmpv6(int type, int code, int rest) {
        this.l4 = L4.ICMPV6;
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpRest = rest;
        return this;
    }

    /**
     * Carries the payload as the transport of an unchecked protocol.
     *
     * @param protocol the IP protocol number
     * @return this
     */
    public PacketBuilder rawTransport(int protocol) {
        this.l4 = L4.RAW;
        this.rawProtocol = protocol;
        return this;
    }

    /**
     * Sets the bytes after the transport header.
     *
     * @param data the payload
     * @return this
     */
    public PacketBuilder payload(byte[] data) {
        this.payload = data.clone();
        return this;
    }

    /**
     * Builds the whole frame.
     *
     * @return the frame's bytes
     */
    public byte[] build() {
        byte[] l3Bytes = l3 == L3.ARP ? buildArp() : buildIpPacket();
        int l2 = vlanId >= 0 ? EthernetHeader.TAGGED_HEADER_LENGTH : EthernetHeader.HEADER_LENGTH;
        byte[] frame = new byte[l2 + l3Bytes.length];
        MemorySegment s = MemorySegment.ofArray(frame);
        EthernetHeader eth = new EthernetHeader().wrap(s, 0).destination(destinationMac).source(sourceMac);
        int type = switch (l3) {
            case IPV4 -> EthernetHeader.TYPE_IPV4;
            case IPV6 -> EthernetHeader.TYPE_IPV6;
            case ARP -> EthernetHeader.TYPE_ARP;
            case NONE -> throw new IllegalStateException("no network layer: call ipv4, ipv6 or arp");
        };
        if (vlanId >= 0) {
            NetworkOrder.u16(s, EthernetHeader.ETHER_TYPE_OFFSET, EthernetHeader.TYPE_VLAN);
            NetworkOrder.u16(s, EthernetHeader.VLAN_TCI_OFFSET, vlanId);
        }
        eth.etherType(type);
        System.arraycopy(l3Bytes, 0, frame, l2, l3Bytes.length);
        return frame;
    }

    private byte[] buildArp() {
        byte[] bytes = new byte[ArpPacket.LENGTH];
        MemorySegment s = MemorySegment.ofArray(bytes);
        new ArpPacket().wrap(s, 0).ethernetIpv4().operation(arpOperation)
                .senderMac(arpSenderMac).senderIp(NetworkOrder.u32(MemorySegment.ofArray(sourceIp), 0))
                .targetMac(arpTargetMac).targetIp(NetworkOrder.u32(MemorySegment.ofArray(destinationIp), 0));
        return bytes;
    }

    /**
     * Builds the IP packet alone, without the Ethernet header (for example to quote it in an
     * ICMP error).
     *
     * @return the packet's bytes
     */
    public byte[] buildIpPacket() {
        if (l3 != L3.IPV4 && l3 != L3.IPV6) {
            throw new IllegalStateException("no IP layer: call ipv4 or ipv6");
        }
        int l4Header = switch (l4) {
            case TCP -> TcpHeader.MIN_HEADER_LENGTH + tcpOptions.length;
            case UDP -> UdpHeader.HEADER_LENGTH;
            case ICMP, ICMPV6 -> IcmpHeader.HEADER_LENGTH;
            case RAW, NONE -> 0;
        };
        int l4Length = l4Header + payload.length;
        boolean v4 = l3 == L3.IPV4;
        byte[] ext = extensionHeaders.toByteArray();
        int l3Header = v4 ? Ipv4Header.MIN_HEADER_LENGTH + ipv4Options.length
                : Ipv6Header.HEADER_LENGTH + ext.length;
        byte[] packet = new byte[l3Header + l4Length];
        MemorySegment s = MemorySegment.ofArray(packet);
        int protocol = switch (l4) {
            case TCP -> Ipv4Header.PROTOCOL_TCP;
            case UDP -> Ipv4Header.PROTOCOL_UDP;
            case ICMP -> Ipv4Header.PROTOCOL_ICMP;
            case ICMPV6 -> Ipv6Header.NEXT_ICMPV6;
            case RAW -> rawProtocol;
            case NONE -> Ipv6Header.NEXT_NONE;
        };
        if (v4) {
            Ipv4Header ip = new Ipv4Header().wrap(s, 0).versionAndHeaderLength(l3Header)
                    .totalLength(packet.length).identification(identification)
                    .flagsAndFragmentOffset(flagsAndFragment).ttl(ttl).protocol(protocol);
            MemorySegment.copy(MemorySegment.ofArray(sourceIp), 0, s, Ipv4Header.SOURCE_OFFSET, 4);
            MemorySegment.copy(MemorySegment.ofArray(destinationIp), 0, s, Ipv4Header.DESTINATION_OFFSET, 4);
            System.arraycopy(ipv4Options, 0, packet, Ipv4Header.OPTIONS_OFFSET, ipv4Options.length);
            ip.updateChecksum();
        } else {
            Ipv6Header ip = new Ipv6Header().wrap(s, 0).versionClassFlow(0, 0)
                    .payloadLength(packet.length - Ipv6Header.HEADER_LENGTH).hopLimit(ttl)
                    .source(MemorySegment.ofArray(sourceIp), 0)
                    .destination(MemorySegment.ofArray(destinationIp), 0);
            if (firstExtensionType >= 0) {
                ip.nextHeader(firstExtensionType);
                ext[(int) lastNextHeaderIndex] = (byte) protocol;
                System.arraycopy(ext, 0, packet, Ipv6Header.HEADER_LENGTH, ext.length);
            } else {
                ip.nextHeader(protocol);
            }
        }
        System.arraycopy(payload, 0, packet, l3Header + l4Header, payload.length);
        switch (l4) {
            case TCP -> {
                TcpHeader tcp = new TcpHeader().wrap(s, l3Header).sourcePort(sourcePort)
                        .destinationPort(destinationPort).sequence(sequence)
                        .acknowledgment(acknowledgment).headerLength(l4Header).flags(tcpFlags)
                        .window(window);
                System.arraycopy(tcpOptions, 0, packet, l3Header + TcpHeader.MIN_HEADER_LENGTH,
                        tcpOptions.length);
                if (v4) {
                    tcp.updateChecksumIpv4(0, l4Length);
                } else {
                    tcp.updateChecksumIpv6(0, l4Length);
                }
            }
            case UDP -> {
                UdpHeader udp = new UdpHeader().wrap(s, l3Header).sourcePort(sourcePort)
                        .destinationPort(destinationPort).length(l4Length);
                if (!v4) {
                    udp.updateChecksumIpv6(0);
                } else if (udpChecksum) {
                    udp.updateChecksumIpv4(0);
                }
            }
            case ICMP -> new IcmpHeader().wrap(s, l3Header).type(icmpType).code(icmpCode)
                    .rest(icmpRest).updateChecksum(l4Length);
            case ICMPV6 -> new Icmpv6Header().wrap(s, l3Header).type(icmpType).code(icmpCode)
                    .rest(icmpRest).updateChecksum(0, l4Length);
            case RAW, NONE -> {
            }
        }
        return packet;
    }

    private static byte[] address(String text, int length) {
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length != length) {
                throw new IllegalArgumentException("expected an IPv" + (length == 4 ? 4 : 6)
                        + " address: " + text);
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + text, e);
        }
    }
}
