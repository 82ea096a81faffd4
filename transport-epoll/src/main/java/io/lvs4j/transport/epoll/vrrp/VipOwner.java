package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
import io.lvs4j.core.packet.Ipv6Header;
import io.lvs4j.core.packet.NdpMessage;
import io.lvs4j.core.status.LoopCounters;
import io.lvs4j.transport.epoll.DirectorCounter;
import io.lvs4j.transport.epoll.FrameHandler;
import io.lvs4j.transport.epoll.PacketFrame;
import io.lvs4j.transport.epoll.PacketSocket;
import io.lvs4j.transport.epoll.PacketSocketOptions;
import io.lvs4j.transport.epoll.internal.AddressOwner;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Owns addresses in user space on one interface through a {@link PacketSocket} of its own: an
 * {@link AddressOwner} answers ARP requests and neighbour solicitations for the owned addresses
 * and announces them (gratuitous ARPs, unsolicited neighbour advertisements). The kernel never
 * holds the addresses. The VRRP router adds an instance's addresses when it becomes master and
 * removes them when it leaves.
 *
 * <p>Not thread-safe: every method but {@link #open} and {@link #close} runs on the socket's
 * loop.
 */
final class VipOwner implements FrameHandler, AutoCloseable {

    private final FrameParser parser = new FrameParser();
    private final NdpMessage ndp = new NdpMessage();
    private final Arena arena = Arena.ofShared();
    private final LoopCounters<DirectorCounter> counters = new LoopCounters<>(DirectorCounter.class);
    private final List<Integer> owned = new ArrayList<>();
    private final List<byte[]> owned6 = new ArrayList<>();
    private PacketSocket socket;
    private AddressOwner owner;

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
        VipOwner vips = new VipOwner();
        PacketSocketOptions options = new PacketSocketOptions(interfaceName, 16, 0, 0, 0, false, true,
                PacketSocketOptions.Fanout.FLOW_HASH);
        vips.socket = PacketSocket.open(loop, options, false, s -> vips);
        vips.owner = new AddressOwner(vips.socket.link().mac(), vips.socket::send, vips.counters, vips.arena);
        return vips;
    }

    /** Adds addresses to the owned ones. @param addresses IPv4 addresses as ints */
    void own(int[] addresses) {
        for (int a : addresses) {
            if (!owned.contains(a)) {
                owned.add(a);
            }
        }
        publish();
    }

    /** Removes addresses from the owned ones. @param addresses IPv4 addresses as ints */
    void disown(int[] addresses) {
        for (int a : addresses) {
            owned.remove(Integer.valueOf(a));
        }
        publish();
    }

    /** @param address an IPv4 address as an int @return whether it is owned now */
    boolean owns(int address) {
        return owner.owns(address);
    }

    /** Sends one gratuitous ARP (a request for itself, broadcast) for each owned one of some addresses. */
    void announce(int[] addresses) {
        owner.announce(addresses, List.of());
    }

    /** Announces addresses the kernel holds (not owned here). @param ipv4 IPv4 addresses @param ipv6 16 bytes each */
    void announceKernel(int[] ipv4, byte[][] ipv6) {
        owner.announceAll(ipv4, List.of(ipv6));
    }

    /** Adds IPv6 addresses to the owned ones. @param addresses 16 bytes each */
    void own6(byte[][] addresses) {
        for (byte[] a : addresses) {
            if (owned6.stream().noneMatch(o -> Arrays.equals(o, a))) {
                owned6.add(a.clone());
            }
        }
        publish();
    }

    /** Removes IPv6 addresses from the owned ones. @param addresses 16 bytes each */
    void disown6(byte[][] addresses) {
        for (byte[] a : addresses) {
            owned6.removeIf(o -> Arrays.equals(o, a));
        }
        publish();
    }

    /** @param address 16 bytes @return whether it is owned now */
    boolean owns6(byte[] address) {
        return owner.owns6(MemorySegment.ofArray(address), 0);
    }

    /** Sends one unsolicited neighbour advertisement to all nodes for each owned one of some addresses. */
    void announce6(byte[][] addresses) {
        owner.announce(new int[0], List.of(addresses));
    }

    private void publish() {
        owner.own(owned.stream().mapToInt(Integer::intValue).toArray(), owned6);
    }

    /** @return ARP requests and neighbour solicitations answered */
    long replies() {
        return counters.get(DirectorCounter.ARP_REPLIES) + counters.get(DirectorCounter.NEIGHBOUR_ADVERTISEMENTS);
    }

    /** @return gratuitous ARPs and unsolicited neighbour advertisements sent */
    long gratuitousSent() {
        return counters.get(DirectorCounter.GRATUITOUS_ARPS) + counters.get(DirectorCounter.UNSOLICITED_ADVERTISEMENTS);
    }

    @Override
    public void onFrame(PacketFrame frame) {
        if (owned.isEmpty() && owned6.isEmpty()
                || parser.parse(frame.buffer(), frame.offset(), frame.length()) != DropReason.NONE) {
            return;
        }
        if (parser.etherType() == EthernetHeader.TYPE_ARP) {
            owner.answer(parser.arp());
        } else if (parser.ipVersion() == 6 && parser.protocol() == Ipv6Header.NEXT_ICMPV6 && parser.l4Offset() >= 0
                && ndp.wrap(frame.buffer(), parser.l4Offset()).validate(parser.ipv6(), parser.l4Length(),
                        !frame.needsChecksum()) == DropReason.NONE) {
            owner.answer(parser, ndp);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        arena.close();
    }
}
