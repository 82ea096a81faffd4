package io.lvs4j.transport.epoll;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/**
 * How packet sockets are opened. Immutable; build with {@link #forInterface(String)} and the
 * {@code with*} methods.
 *
 * @param interfaceName the interface the sockets are bound to
 * @param batchSize frames moved per {@code recvmmsg}/{@code sendmmsg} call
 * @param receiveBufferBytes the socket receive buffer ({@code SO_RCVBUFFORCE}, falling back to
 *        {@code SO_RCVBUF} without {@code CAP_NET_ADMIN}); size it for the bursts to absorb
 * @param sendBufferBytes the socket send buffer
 * @param fanoutGroupId the {@code PACKET_FANOUT} group id (16 bits), unique per namespace
 * @param vnetHeader {@code PACKET_VNET_HDR}: keep offloads (partial checksums, GSO) intact
 * @param ignoreOutgoing {@code PACKET_IGNORE_OUTGOING}: do not receive the host's own transmissions
 * @param fanout how a {@link PacketSocketGroup} spreads frames over its sockets
 * @param fanoutVirtualAddresses the director's virtual addresses, which
 *        {@link Fanout#CLIENT_ADDRESS} tells apart from clients' addresses (empty otherwise)
 */
public record PacketSocketOptions(String interfaceName, int batchSize, int receiveBufferBytes, int sendBufferBytes,
        int fanoutGroupId, boolean vnetHeader, boolean ignoreOutgoing, Fanout fanout,
        List<InetAddress> fanoutVirtualAddresses) {

    /** How the kernel picks the socket of a fanout group for a received frame. */
    public enum Fanout {
        /**
         * {@code PACKET_FANOUT_HASH}: by the kernel's flow hash, the same for both directions of
         * one 5-tuple; one client's connections spread over the sockets.
         */
        FLOW_HASH,
        /**
         * {@code PACKET_FANOUT_CBPF}: by the IPv4 source address (its four bytes folded by XOR,
         * modulo the number of sockets), so that every frame of one client reaches one socket;
         * frames that are not IPv4 (ARP, IPv6) go to the first socket.
         */
        IPV4_SOURCE,
        /**
         * {@code PACKET_FANOUT_CBPF}: by the client's address in both directions, for NAT: a
         * frame to one of {@link #fanoutVirtualAddresses()} is keyed on its source, any other
         * frame (a real server's reply) on its destination, and an ICMP error to a virtual
         * address on the destination of the packet it quotes; IPv4, and IPv6 by the low 32
         * bits of the address. An IPv4 client gets the same socket as with {@link #IPV4_SOURCE}.
         * Frames that are not IP (ARP) go to the first socket.
         */
        CLIENT_ADDRESS
    }

    /**
     * Options without virtual addresses (for fanouts other than {@link Fanout#CLIENT_ADDRESS}).
     *
     * @param interfaceName the interface the sockets are bound to
     * @param batchSize frames moved per call
     * @param receiveBufferBytes the socket receive buffer
     * @param sendBufferBytes the socket send buffer
     * @param fanoutGroupId the {@code PACKET_FANOUT} group id
     * @param vnetHeader {@code PACKET_VNET_HDR}
     * @param ignoreOutgoing {@code PACKET_IGNORE_OUTGOING}
     * @param fanout how a group spreads frames
     */
    public PacketSocketOptions(String interfaceName, int batchSize, int receiveBufferBytes, int sendBufferBytes,
            int fanoutGroupId, boolean vnetHeader, boolean ignoreOutgoing, Fanout fanout) {
        this(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId, vnetHeader, ignoreOutgoing,
                fanout, List.of());
    }

    /** Validates the options. */
    public PacketSocketOptions {
        if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15) {
            throw new IllegalArgumentException("interface name must have 1 to 15 characters: " + interfaceName);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize must be in [1, 1024]: " + batchSize);
        }
        if (receiveBufferBytes < 0 || sendBufferBytes < 0) {
            throw new IllegalArgumentException("buffer sizes must not be negative");
        }
        if (fanoutGroupId < 0 || fanoutGroupId > 0xFFFF) {
            throw new IllegalArgumentException("fanoutGroupId must be in [0, 65535]: " + fanoutGroupId);
        }
        if (fanout == null) {
            throw new IllegalArgumentException("fanout must not be null");
        }
        if (fanoutVirtualAddresses == null) {
            throw new IllegalArgumentException("fanoutVirtualAddresses must not be null");
        }
        fanoutVirtualAddresses = List.copyOf(fanoutVirtualAddresses);
    }

    /**
     * Default options for an interface: batches of 64, 32 MiB receive and 8 MiB send buffers,
     * a fanout group id derived from the interface name and the process id, virtio-net headers on,
     * outgoing frames ignored, fanout by {@link Fanout#FLOW_HASH}.
     *
     * @param interfaceName the interface
     * @return the options
     */
    public static PacketSocketOptions forInterface(String interfaceName) {
        int id = (int) ((interfaceName.hashCode() * 31L + ProcessHandle.current().pid()) & 0xFFFF);
        return new PacketSocketOptions(interfaceName, 64, 32 << 20, 8 << 20, id, true, true, Fanout.FLOW_HASH);
    }

    /** @param size frames per batch @return a copy with this batch size */
    public PacketSocketOptions withBatchSize(int size) {
        return new PacketSocketOptions(interfaceName, size, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, fanout, fanoutVirtualAddresses);
    }

    /** @param bytes receive buffer size @return a copy with this receive buffer */
    public PacketSocketOptions withReceiveBufferBytes(int bytes) {
        return new PacketSocketOptions(interfaceName, batchSize, bytes, sendBufferBytes, fanoutGroupId, vnetHeader,
                ignoreOutgoing, fanout, fanoutVirtualAddresses);
    }

    /** @param id fanout group id @return a copy with this fanout group id */
    public PacketSocketOptions withFanoutGroupId(int id) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, id, vnetHeader,
                ignoreOutgoing, fanout, fanoutVirtualAddresses);
    }

    /** @param on whether to use virtio-net headers @return a copy with this setting */
    public PacketSocketOptions withVnetHeader(boolean on) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId, on,
                ignoreOutgoing, fanout, fanoutVirtualAddresses);
    }

    /** @param on whether to ignore the host's outgoing frames @return a copy with this setting */
    public PacketSocketOptions withIgnoreOutgoing(boolean on) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, on, fanout, fanoutVirtualAddresses);
    }

    /** @param mode how a socket group spreads frames @return a copy with this fanout */
    public PacketSocketOptions withFanout(Fanout mode) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, mode, fanoutVirtualAddresses);
    }

    /**
     * Steers by the client's address in both directions ({@link Fanout#CLIENT_ADDRESS}).
     *
     * @param virtualAddresses the director's virtual addresses, IPv4 and IPv6
     * @return a copy with this fanout
     */
    public PacketSocketOptions withClientFanout(Collection<? extends InetAddress> virtualAddresses) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, Fanout.CLIENT_ADDRESS, List.copyOf(virtualAddresses));
    }
}
