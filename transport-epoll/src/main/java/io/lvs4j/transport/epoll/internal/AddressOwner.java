package io.lvs4j.transport.epoll.internal;

import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.NdpFrames;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.packet.NetworkOrder;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.DirectorCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Owns addresses in user space on one link, the kernel never holding them: answers ARP
 * requests (IPv4) and neighbour solicitations (IPv6, RFC 4861 section 7.2.4: solicited and
 * override flags, target link-layer address) for the owned addresses with the link's MAC,
 * defends them against duplicate-address probes, counts other hosts' claims on them as spoofs,
 * and announces them with gratuitous ARPs and unsolicited neighbour advertisements (to all
 * nodes). The director's loops and the VRRP router's address socket both answer through one.
 *
 * <p>Counts in {@link DirectorCounter}: {@code ARP_REPLIES}, {@code GRATUITOUS_ARPS},
 * {@code NEIGHBOUR_ADVERTISEMENTS}, {@code UNSOLICITED_ADVERTISEMENTS}, {@code DROP_ARP_SPOOF},
 * {@code DROP_NDP_SPOOF}. Not thread-safe: its loop only; nothing allocates but {@link #own}.
 */
public final class AddressOwner {

    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int MIN_FRAME = 60;
    private static final int ADDRESS = 16;

    private final long mac;
    private final FrameSender sender;
    private final LoopCounters<DirectorCounter> counters;
    private final EthernetHeader outEthernet = new EthernetHeader();
    private final ArpPacket outArp = new ArpPacket();
    private final NdpFrames ndpFrames = new NdpFrames();
    private final MemorySegment arpOut;
    private final MemorySegment ndpOut;
    private int[] owned = new int[0];
    private MemorySegment owned6 = MemorySegment.ofArray(new byte[0]);
    private int owned6Count;

    /**
     * Creates an owner that owns nothing yet.
     *
     * @param mac the link's MAC, which answers for the addresses
     * @param sender where its frames go
     * @param counters the counters of its loop
     * @param arena memory for the frames it builds
     */
    public AddressOwner(long mac, FrameSender sender, LoopCounters<DirectorCounter> counters, Arena arena) {
        this.mac = mac;
        this.sender = sender;
        this.counters = counters;
        this.arpOut = arena.allocate(MIN_FRAME);
        this.ndpOut = arena.allocate(NdpFrames.FRAME_LENGTH);
    }

    /**
     * Replaces the owned addresses.
     *
     * @param ipv4 IPv4 addresses as ints
     * @param ipv6 IPv6 addresses, 16 bytes each
     */
    public void own(int[] ipv4, List<byte[]> ipv6) {
        owned = Arrays.stream(ipv4).distinct().toArray();
        MemorySegment next = MemorySegment.ofArray(new byte[ADDRESS * ipv6.size()]);
        int n = 0;
        for (byte[] a : ipv6) {
            if (find6(next, n, MemorySegment.ofArray(a), 0) < 0) {
                MemorySegment.copy(MemorySegment.ofArray(a), 0, next, (long) n * ADDRESS, ADDRESS);
                n++;
            }
        }
        owned6 = next;
        owned6Count = n;
    }

    /** @return the owned IPv4 addresses */
    public int[] owned() {
        return owned.clone();
    }

    /** @return whether an IPv4 address is owned */
    public boolean owns(int address) {
        for (int a : owned) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the 16 bytes of memory at an offset are an owned IPv6 address */
    public boolean owns6(MemorySegment memory, long offset) {
        return find6(owned6, owned6Count, memory, offset) >= 0;
    }

    private static int find6(MemorySegment addresses, int count, MemorySegment memory, long offset) {
        long high = memory.get(NetworkOrder.U64, offset);
        long low = memory.get(NetworkOrder.U64, offset + 8);
        for (int i = 0; i < count; i++) {
            long at = (long) i * ADDRESS;
            if (addresses.get(NetworkOrder.U64, at + 8) == low && addresses.get(NetworkOrder.U64, at) == high) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Tells whether an ARP packet's sender claims an owned address; a claim from another MAC
     * than the link's is counted as a spoof, one from the link's own MAC (its own announcement
     * reflected back, or a copy of it) as ignored. Such a packet teaches nothing.
     *
     * @param arp the packet
     * @return {@code true} if the sender address is owned
     */
    public boolean claimed(ArpPacket arp) {
        if (!owns(arp.senderIp())) {
            return false;
        }
        counters.increment(arp.senderMac() != mac ? DirectorCounter.DROP_ARP_SPOOF : DirectorCounter.IGNORED);
        return true;
    }

    /**
     * Answers an ARP request for an owned address (but not another host's announcement of it).
     *
     * @param arp the packet
     * @return {@code true} if it was answered
     */
    public boolean answer(ArpPacket arp) {
        if (arp.operation() != ArpPacket.OP_REQUEST || arp.senderIp() == arp.targetIp() || !owns(arp.targetIp())) {
            return false;
        }
        sendArp(ArpPacket.OP_REPLY, arp.senderMac(), arp.targetIp(), arp.senderMac(), arp.senderIp());
        counters.increment(DirectorCounter.ARP_REPLIES);
        return true;
    }

    /**
     * Tells whether a valid neighbour advertisement claims an owned address, or a valid
     * solicitation comes from one; a claim from another MAC than the link's is counted as a
     * spoof, one from the link's own MAC as ignored. Such a message teaches nothing.
     *
     * @param parser the parser, positioned on the message's frame
     * @param message the validated message
     * @return {@code true} if the message concerns an owned address as its sender
     */
    public boolean claimed(FrameParser parser, NdpMessage message) {
        long claimer;
        if (message.isAdvertisement()) {
            if (!owns6(parser.segment(), message.targetOffset())) {
                return false;
            }
            claimer = message.targetLinkLayer() != NdpMessage.NO_ADDRESS ? message.targetLinkLayer()
                    : parser.ethernet().source();
        } else {
            long source = parser.ipv6().sourceOffset();
            if (NdpMessage.isUnspecified(parser.segment(), source) || !owns6(parser.segment(), source)) {
                return false;
            }
            claimer = parser.ethernet().source();
        }
        counters.increment(claimer != mac ? DirectorCounter.DROP_NDP_SPOOF : DirectorCounter.IGNORED);
        return true;
    }

    /**
     * Answers a valid neighbour solicitation for an owned address: a solicited advertisement
     * to its sender, or, for a duplicate-address probe (unspecified source), an unsolicited one
     * to all nodes that defends the address.
     *
     * @param parser the parser, positioned on the message's frame
     * @param message the validated message
     * @return {@code true} if it was answered
     */
    public boolean answer(FrameParser parser, NdpMessage message) {
        MemorySegment frame = parser.segment();
        long target = message.targetOffset();
        if (!message.isSolicitation() || !owns6(frame, target)) {
            return false;
        }
        long source = parser.ipv6().sourceOffset();
        int length;
        if (NdpMessage.isUnspecified(frame, source)) {
            length = ndpFrames.unsolicitedAdvertisement(ndpOut, 0, mac, frame, target);
        } else {
            long to = message.sourceLinkLayer() != NdpMessage.NO_ADDRESS ? message.sourceLinkLayer()
                    : parser.ethernet().source();
            length = ndpFrames.solicitedAdvertisement(ndpOut, 0, mac, to, frame, source, frame, target);
        }
        sender.send(ndpOut, 0, length);
        counters.increment(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS);
        return true;
    }

    /** Sends one gratuitous ARP for every owned IPv4 address and one unsolicited advertisement for every IPv6 one. */
    public void announce() {
        for (int a : owned) {
            gratuitous(a);
        }
        for (int i = 0; i < owned6Count; i++) {
            unsolicited(owned6, (long) i * ADDRESS);
        }
    }

    /**
     * Announces some addresses, those of them that are owned.
     *
     * @param ipv4 IPv4 addresses as ints
     * @param ipv6 IPv6 addresses, 16 bytes each
     */
    public void announce(int[] ipv4, List<byte[]> ipv6) {
        for (int a : ipv4) {
            if (owns(a)) {
                gratuitous(a);
            }
        }
        for (byte[] a : ipv6) {
            MemorySegment address = MemorySegment.ofArray(a);
            if (owns6(address, 0)) {
                unsolicited(address, 0);
            }
        }
    }

    /**
     * Announces addresses whether owned here or not: addresses the kernel holds, which it
     * answers for itself but does not announce when they are added.
     *
     * @param ipv4 IPv4 addresses as ints
     * @param ipv6 IPv6 addresses, 16 bytes each
     */
    public void announceAll(int[] ipv4, List<byte[]> ipv6) {
        for (int a : ipv4) {
            gratuitous(a);
        }
        for (byte[] a : ipv6) {
            unsolicited(MemorySegment.ofArray(a), 0);
        }
    }

    private void gratuitous(int address) {
        sendArp(ArpPacket.OP_REQUEST, BROADCAST, address, 0, address);
        counters.increment(DirectorCounter.GRATUITOUS_ARPS);
    }

    private void unsolicited(MemorySegment address, long offset) {
        sender.send(ndpOut, 0, ndpFrames.unsolicitedAdvertisement(ndpOut, 0, mac, address, offset));
        counters.increment(DirectorCounter.UNSOLICITED_ADVERTISEMENTS);
    }

    /**
     * Sends an ARP request from an address to resolve another (the director resolving a real
     * server); it uses the owner's frame memory.
     *
     * @param from the sender address
     * @param target the address to resolve
     */
    public void request(int from, int target) {
        sendArp(ArpPacket.OP_REQUEST, BROADCAST, from, 0, target);
    }

    private void sendArp(int operation, long to, int senderIp, long targetMac, int targetIp) {
        arpOut.fill((byte) 0);
        outEthernet.wrap(arpOut, 0).destination(to).source(mac).etherType(EthernetHeader.TYPE_ARP);
        outArp.wrap(arpOut, EthernetHeader.HEADER_LENGTH).ethernetIpv4().operation(operation)
                .senderMac(mac).senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        sender.send(arpOut, 0, MIN_FRAME);
    }
}
