package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.transport.epoll.FrameHandler;
import io.lvs4j.transport.epoll.PacketFrame;
import io.lvs4j.transport.epoll.PacketSocket;
import io.lvs4j.transport.epoll.PacketSocketOptions;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Owns addresses in user space on one interface through a {@link PacketSocket}: for IPv4 it
 * answers ARP requests for the owned addresses with the interface's MAC and sends gratuitous
 * ARPs; for IPv6 it answers neighbour solicitations with neighbour advertisements (RFC 4861,
 * solicited and override flags, target link-layer address option) and sends unsolicited ones
 * to all nodes (ff02::1). The kernel never holds the addresses.
 *
 * <p>Not thread-safe: every method but {@link #open} and {@link #close} runs on the socket's
 * loop.
 */
final class VipOwner implements FrameHandler, AutoCloseable {

    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int MIN_FRAME = 60;

    private final FrameParser parser = new FrameParser();
    private final NdpMessage ndp = new NdpMessage();
    private final NdpFrames ndpFrames = new NdpFrames();
    private final EthernetHeader outEthernet = new EthernetHeader();
    private final ArpPacket outArp = new ArpPacket();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(MIN_FRAME);
    private final MemorySegment na = arena.allocate(NdpFrames.FRAME_LENGTH);
    private byte[][] owned6 = new byte[0][];
    private PacketSocket socket;
    private long mac;
    private int[] owned = new int[0];
    private long replies;
    private long gratuitous;

    private VipOwner() {
    }

    /**
     * Opens the packet socket of an interface of the calling thread's namespace.
     *
     * @param loop the loop to serve it (the VRRP router's)
     * @param interfaceName the interface
     * @return the responder, owning nothing yet
     * @throws IOException if the socket cannot be opened
     */
    static VipOwner open(IoEventLoop loop, String interfaceName) throws IOException {
        VipOwner arp = new VipOwner();
        PacketSocketOptions options = new PacketSocketOptions(interfaceName, 16, 0, 0, 0, false, true,
                PacketSocketOptions.Fanout.FLOW_HASH);
        arp.socket = PacketSocket.open(loop, options, false, s -> arp);
        arp.mac = arp.socket.link().mac();
        return arp;
    }

    /** Adds addresses to the owned ones. @param addresses IPv4 addresses as ints */
    void own(int[] addresses) {
        int[] next = Arrays.copyOf(owned, owned.length + addresses.length);
        int n = owned.length;
        for (int a : addresses) {
            if (!owns(a)) {
                next[n++] = a;
            }
        }
        owned = Arrays.copyOf(next, n);
    }

    /** Removes addresses from the owned ones. @param addresses IPv4 addresses as ints */
    void disown(int[] addresses) {
        int[] next = new int[owned.length];
        int n = 0;
        for (int a : owned) {
            boolean drop = false;
            for (int d : addresses) {
                drop |= d == a;
            }
            if (!drop) {
                next[n++] = a;
            }
        }
        owned = Arrays.copyOf(next, n);
    }

    /** @param address an IPv4 address as an int @return whether it is owned now */
    boolean owns(int address) {
        for (int a : owned) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** Sends one gratuitous ARP (a request for itself, broadcast) for each of some addresses. */
    void announce(int[] addresses) {
        for (int a : addresses) {
            if (owns(a)) {
                send(ArpPacket.OP_REQUEST, BROADCAST, a, 0, a);
                gratuitous++;
            }
        }
    }

    /** Adds IPv6 addresses to the owned ones. @param addresses 16 bytes each */
    void own6(byte[][] addresses) {
        java.util.List<byte[]> next = new java.util.ArrayList<>(java.util.List.of(owned6));
        for (byte[] a : addresses) {
            if (find6(a) < 0) {
                next.add(a.clone());
            }
        }
        owned6 = next.toArray(new byte[0][]);
    }

    /** Removes IPv6 addresses from the owned ones. @param addresses 16 bytes each */
    void disown6(byte[][] addresses) {
        java.util.List<byte[]> next = new java.util.ArrayList<>();
        for (byte[] o : owned6) {
            boolean drop = false;
            for (byte[] d : addresses) {
                drop |= Arrays.equals(o, d);
            }
            if (!drop) {
                next.add(o);
            }
        }
        owned6 = next.toArray(new byte[0][]);
    }

    /** @param address 16 bytes @return whether it is owned now */
    boolean owns6(byte[] address) {
        return find6(address) >= 0;
    }

    private int find6(byte[] address) {
        for (int i = 0; i < owned6.length; i++) {
            if (Arrays.equals(owned6[i], address)) {
                return i;
            }
        }
        return -1;
    }

    /** Sends one unsolicited neighbour advertisement to all nodes for each owned one of some addresses. */
    void announce6(byte[][] addresses) {
        for (byte[] a : addresses) {
            int i = find6(a);
            if (i >= 0) {
                socket.send(na, 0, ndpFrames.unsolicitedAdvertisement(na, 0, mac, MemorySegment.ofArray(owned6[i]), 0));
                gratuitous++;
            }
        }
    }

    long replies() {
        return replies;
    }

    long gratuitousSent() {
        return gratuitous;
    }

    @Override
    public void onFrame(PacketFrame frame) {
        if (owned.length == 0 && owned6.length == 0
                || parser.parse(frame.buffer(), frame.offset(), frame.length()) != DropReason.NONE) {
            return;
        }
        if (parser.ipVersion() == 6) {
            solicitation(frame);
            return;
        }
        if (parser.etherType() != EthernetHeader.TYPE_ARP) {
            return;
        }
        ArpPacket arp = parser.arp();
        if (arp.operation() == ArpPacket.OP_REQUEST && arp.senderIp() != arp.targetIp() && owns(arp.targetIp())) {
            send(ArpPacket.OP_REPLY, arp.senderMac(), arp.targetIp(), arp.senderMac(), arp.senderIp());
            replies++;
        }
    }

    /** Answers a valid neighbour solicitation (RFC 4861 section 7.1.1) for an owned address. */
    private void solicitation(PacketFrame frame) {
        if (parser.protocol() != Ipv6Header.NEXT_ICMPV6 || parser.l4Offset() < 0) {
            return;
        }
        MemorySegment buffer = frame.buffer();
        if (ndp.wrap(buffer, parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(), !frame.needsChecksum())
                != DropReason.NONE || !ndp.isSolicitation()) {
            return;
        }
        long target = ndp.targetOffset();
        for (byte[] a : owned6) {
            if (MemorySegment.mismatch(buffer, target, target + 16, MemorySegment.ofArray(a), 0, 16) == -1) {
                long source = parser.ipv6().sourceOffset();
                int length;
                if (NdpMessage.isUnspecified(buffer, source)) {
                    // A duplicate-address probe for our address: defend it to all nodes.
                    length = ndpFrames.unsolicitedAdvertisement(na, 0, mac, buffer, target);
                } else {
                    long to = ndp.sourceLinkLayer() != NdpMessage.NO_ADDRESS ? ndp.sourceLinkLayer()
                            : parser.ethernet().source();
                    length = ndpFrames.solicitedAdvertisement(na, 0, mac, to, buffer, source, buffer, target);
                }
                socket.send(na, 0, length);
                replies++;
                return;
            }
        }
    }

    private void send(int operation, long to, int senderIp, long targetMac, int targetIp) {
        scratch.fill((byte) 0);
        outEthernet.wrap(scratch, 0).destination(to).source(mac).etherType(EthernetHeader.TYPE_ARP);
        outArp.wrap(scratch, EthernetHeader.HEADER_LENGTH).ethernetIpv4().operation(operation)
                .senderMac(mac).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        socket.send(scratch, 0, MIN_FRAME);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        arena.close();
    }
}
