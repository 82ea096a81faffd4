package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.vrrp.Advertisement;
import io.lvs4j.vrrp.VrrpEncoder;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A VRRP router's sockets: one {@link VrrpSocket} per interface with IPv4 instances, one
 * {@link VrrpSocket6} per interface with IPv6 instances (bound to their shared link-local
 * primary address), and the sending of adverts through them, to the multicast group or to each
 * unicast peer.
 *
 * <p>Not thread-safe: {@link #open} and {@link #close} on the router's control thread,
 * {@link #send} on its loop.
 */
final class VrrpSockets implements AutoCloseable {

    private static final int MAX_PACKET = VrrpEncoder.IPV4_HEADER_LENGTH + 16 + 255 * 4 + 8;
    private static final Inet4Address MULTICAST = multicastGroup();

    private final IoEventLoop loop;
    private final Function<String, VrrpSocket.Handler> handlers;
    private final Function<String, VrrpSocket6.Handler> handlers6;
    private final Map<String, VrrpSocket> sockets = new LinkedHashMap<>();
    private final Map<String, VrrpSocket6> sockets6 = new LinkedHashMap<>();
    private final Map<String, Inet6Address> primaries6 = new HashMap<>();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment packet = arena.allocate(MAX_PACKET, 8);
    private int identification;

    VrrpSockets(IoEventLoop loop, Function<String, VrrpSocket.Handler> handlers,
            Function<String, VrrpSocket6.Handler> handlers6) {
        this.loop = loop;
        this.handlers = handlers;
        this.handlers6 = handlers6;
    }

    /** Opens the sockets of the interfaces the instances use, those not open yet (calling thread's namespace). */
    void open(List<VrrpInstanceConfig> instances) throws IOException {
        for (VrrpInstanceConfig c : instances) {
            String name = c.interfaceName();
            if (source(c) instanceof Inet6Address primary) {
                VrrpSocket6 open = sockets6.get(name);
                if (open == null) {
                    sockets6.put(name, VrrpSocket6.open(loop, name, primary, handlers6.apply(name)));
                    primaries6.put(name, primary);
                } else if (!primaries6.get(name).equals(primary)) {
                    throw new IllegalArgumentException("IPv6 instances on " + name
                            + " must share one primary address");
                }
            } else if (!sockets.containsKey(name)) {
                sockets.put(name, VrrpSocket.open(loop, name, handlers.apply(name)));
            }
        }
    }

    /** @return the interfaces with an IPv4 socket */
    Set<String> interfaces() {
        return sockets.keySet();
    }

    /** Sends an instance's advert out of its interface (on the loop). */
    void send(VrrpInstanceConfig instance, Advertisement advert) {
        if (source(instance) instanceof Inet6Address primary) {
            send6(instance, advert, primary);
            return;
        }
        VrrpSocket socket = sockets.get(instance.interfaceName());
        if (socket == null) {
            return;
        }
        Inet4Address source = (Inet4Address) source(instance);
        if (instance.unicastPeers().isEmpty()) {
            send(socket, advert, source, MULTICAST);
        } else {
            for (InetAddress peer : instance.unicastPeers()) {
                send(socket, advert, source, (Inet4Address) peer);
            }
        }
    }

    private void send6(VrrpInstanceConfig instance, Advertisement advert, Inet6Address primary) {
        VrrpSocket6 socket = sockets6.get(instance.interfaceName());
        if (socket == null) {
            return;
        }
        byte[] source = primary.getAddress();
        if (instance.unicastPeers().isEmpty()) {
            int length = VrrpEncoder.encode(advert, packet, 0, source, VrrpEncoder.MULTICAST_V6);
            socket.send(packet, 0, length, VrrpEncoder.MULTICAST_V6);
        } else {
            for (InetAddress peer : instance.unicastPeers()) {
                byte[] to = peer.getAddress();
                int length = VrrpEncoder.encode(advert, packet, 0, source, to);
                socket.send(packet, 0, length, to);
            }
        }
    }

    private void send(VrrpSocket socket, Advertisement advert, Inet4Address source, Inet4Address destination) {
        identification = (identification + 1) & 0xFFFF;
        int length = VrrpEncoder.encodeIpv4Packet(advert, packet, 0, source, destination, identification);
        socket.send(packet, 0, length, destination.getAddress());
    }

    /** @return adverts handed to the kernel on an interface, 0 for an unknown one */
    long sent(String interfaceName) {
        VrrpSocket s = sockets.get(interfaceName);
        VrrpSocket6 s6 = sockets6.get(interfaceName);
        return (s == null ? 0 : s.sentPackets()) + (s6 == null ? 0 : s6.sentPackets());
    }

    /** @return packets received on an interface (valid or not), 0 for an unknown one */
    long received(String interfaceName) {
        VrrpSocket s = sockets.get(interfaceName);
        VrrpSocket6 s6 = sockets6.get(interfaceName);
        return (s == null ? 0 : s.receivedPackets()) + (s6 == null ? 0 : s6.receivedPackets());
    }

    /** Closes the sockets; the advert memory goes with the last close. */
    @Override
    public void close() {
        sockets.values().forEach(VrrpSocket::close);
        sockets6.values().forEach(VrrpSocket6::close);
        sockets.clear();
        sockets6.clear();
    }

    /** Frees the advert memory (after the loop no longer sends). */
    void free() {
        arena.close();
    }

    /** The instance's source address, which the node has checked is there. */
    private static InetAddress source(VrrpInstanceConfig instance) {
        return instance.sourceAddress().orElseThrow();
    }

    private static Inet4Address multicastGroup() {
        try {
            return (Inet4Address) InetAddress.getByAddress(VrrpEncoder.MULTICAST_V4);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
