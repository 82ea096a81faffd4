package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.packet.ArpPacket;
import io.lvs4j.core.packet.DropReason;
import io.lvs4j.core.packet.EthernetHeader;
import io.lvs4j.core.packet.FrameParser;
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
 * Owns IPv4 addresses in user space on one interface: answers ARP requests for the owned
 * addresses with the interface's MAC and sends gratuitous ARPs for them, through a
 * {@link PacketSocket}. The kernel never holds the addresses.
 *
 * <p>Not thread-safe: every method but {@link #open} and {@link #close} runs on the socket's
 * loop.
 */
final class VipArp implements FrameHandler, AutoCloseable {

    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int MIN_FRAME = 60;

    private final FrameParser parser = new FrameParser();
    private final EthernetHeader outEthernet = new EthernetHeader();
    private final ArpPacket outArp = new ArpPacket();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(MIN_FRAME);
    private PacketSocket socket;
    private long mac;
    private int[] owned = new int[0];
    private long replies;
    private long gratuitous;

    private VipArp() {
    }

    /**
     * Opens the packet socket of an interface of the calling thread's namespace.
     *
     * @param loop the loop to serve it (the VRRP router's)
     * @param interfaceName the interface
     * @return the responder, owning nothing yet
     * @throws IOException if the socket cannot be opened
     */
    static VipArp open(IoEventLoop loop, String interfaceName) throws IOException {
        VipArp arp = new VipArp();
        PacketSocketOptions options = new PacketSocketOptions(interfaceName, 16, 0, 0, 0, false, true);
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

    long replies() {
        return replies;
    }

    long gratuitousSent() {
        return gratuitous;
    }

    @Override
    public void onFrame(PacketFrame frame) {
        if (owned.length == 0 || parser.parse(frame.buffer(), frame.offset(), frame.length()) != DropReason.NONE
                || parser.etherType() != EthernetHeader.TYPE_ARP) {
            return;
        }
        ArpPacket arp = parser.arp();
        if (arp.operation() == ArpPacket.OP_REQUEST && arp.senderIp() != arp.targetIp() && owns(arp.targetIp())) {
            send(ArpPacket.OP_REPLY, arp.senderMac(), arp.targetIp(), arp.senderMac(), arp.senderIp());
            replies++;
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
