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
 * @param receiveRing a {@code TPACKET_V3} receive ring to receive through instead of
 *        {@code recvmmsg} (then {@code receiveBufferBytes} and {@code batchSize} do not apply to
 *        receiving), or {@code null} for {@code recvmmsg}
 * @param qdiscBypass {@code PACKET_QDISC_BYPASS}: frames sent go straight to the driver, past
 *        the interface's queueing discipline (and past packet taps such as tcpdump on it)
 */
public record PacketSocketOptions(String interfaceName, int batchSize, int receiveBufferBytes, int sendBufferBytes,
        int fanoutGroupId, boolean vnetHeader, boolean ignoreOutgoing, Fanout fanout,
        List<InetAddress> fanoutVirtualAddresses, ReceiveRing receiveRing, boolean qdiscBypass) {

    /**
     * The system property that chooses how {@link #forInterface} sockets receive:
     * {@code ring} for a {@link ReceiveRing#DEFAULTS} ring, anything else (or none) for
     * {@code recvmmsg}.
     */
    public static final String RECEIVE_PROPERTY = "lvs4j.packet.receive";

    /**
     * A {@code TPACKET_V3} receive ring: the kernel writes frames one after another into a block
     * and hands the block over when it is full or after {@code retireMillis}, so one wakeup reads
     * a whole block in place (no copy, no system call per batch). The price is latency when
     * traffic is light: a frame waits until its block retires, up to {@code retireMillis}.
     *
     * @param blockBytes bytes per block, a multiple of 4096; a frame larger than a block (less
     *        about 128 bytes of headers) arrives cut short, so keep it above 68 KiB for 64 KiB
     *        GSO frames
     * @param blocks the number of blocks; the ring holds {@code blockBytes * blocks}
     * @param retireMillis the block timeout of the kernel ({@code tp_retire_blk_tov}), 1 to 1000
     */
    public record ReceiveRing(int blockBytes, int blocks, int retireMillis) {

        /** 64 blocks of 256 KiB (16 MiB) retired after at most 1 ms. */
        public static final ReceiveRing DEFAULTS = new ReceiveRing(256 << 10, 64, 1);

        /** Validates the ring. */
        public ReceiveRing {
            if (blockBytes < 4096 || blockBytes % 4096 != 0) {
                throw new IllegalArgumentException("blockBytes must be a positive multiple of 4096: " + blockBytes);
            }
            if (blocks < 2 || (long) blockBytes * blocks > 1L << 30) {
                throw new IllegalArgumentException("blocks must be at least 2 and the ring at most 1 GiB: " + blocks);
            }
            if (retireMillis < 1 || retireMillis > 1000) {
                throw new IllegalArgumentException("retireMillis must be in [1, 1000]: " + retireMillis);
            }
        }
    }

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
     * Options that receive with {@code recvmmsg} and send through the queueing discipline.
     *
     * @param interfaceName the interface the sockets are bound to
     * @param batchSize frames moved per call
     * @param receiveBufferBytes the socket receive buffer
     * @param sendBufferBytes the socket send buffer
     * @param fanoutGroupId the {@code PACKET_FANOUT} group id
     * @param vnetHeader {@code PACKET_VNET_HDR}
     * @param ignoreOutgoing {@code PACKET_IGNORE_OUTGOING}
     * @param fanout how a group spreads frames
     * @param fanoutVirtualAddresses the director's virtual addresses
     */
    public PacketSocketOptions(String interfaceName, int batchSize, int receiveBufferBytes, int sendBufferBytes,
            int fanoutGroupId, boolean vnetHeader, boolean ignoreOutgoing, Fanout fanout,
            List<InetAddress> fanoutVirtualAddresses) {
        this(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId, vnetHeader, ignoreOutgoing,
                fanout, fanoutVirtualAddresses, null, false);
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
     * outgoing frames ignored, fanout by {@link Fanout#FLOW_HASH}; received with {@code recvmmsg},
     * or through a {@link ReceiveRing#DEFAULTS} ring if the system property
     * {@value #RECEIVE_PROPERTY} is {@code ring}.
     *
     * @param interfaceName the interface
     * @return the options
     */
    public static PacketSocketOptions forInterface(String interfaceName) {
        int id = (int) ((interfaceName.hashCode() * 31L + ProcessHandle.current().pid()) & 0xFFFF);
        ReceiveRing ring = "ring".equals(System.getProperty(RECEIVE_PROPERTY)) ? ReceiveRing.DEFAULTS : null;
        return new PacketSocketOptions(interfaceName, 64, 32 << 20, 8 << 20, id, true, true, Fanout.FLOW_HASH,
                List.of(), ring, false);
    }

    /** @param size frames per batch @return a copy with this batch size */
    public PacketSocketOptions withBatchSize(int size) {
        return new PacketSocketOptions(interfaceName, size, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, fanout, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /** @param bytes receive buffer size @return a copy with this receive buffer */
    public PacketSocketOptions withReceiveBufferBytes(int bytes) {
        return new PacketSocketOptions(interfaceName, batchSize, bytes, sendBufferBytes, fanoutGroupId, vnetHeader,
                ignoreOutgoing, fanout, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /** @param id fanout group id @return a copy with this fanout group id */
    public PacketSocketOptions withFanoutGroupId(int id) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, id, vnetHeader,
                ignoreOutgoing, fanout, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /**
     * The options of a director's further interface: the same settings on another interface, in
     * a fanout group of its own (a group is bound to one device).
     *
     * @param name the interface
     * @param slot the interface's slot among the director's, from 1
     * @return a copy for that interface
     */
    PacketSocketOptions onInterface(String name, int slot) {
        return new PacketSocketOptions(name, batchSize, receiveBufferBytes, sendBufferBytes,
                (fanoutGroupId + slot) & 0xFFFF, vnetHeader, ignoreOutgoing, fanout, fanoutVirtualAddresses,
                receiveRing, qdiscBypass);
    }

    /** @param on whether to use virtio-net headers @return a copy with this setting */
    public PacketSocketOptions withVnetHeader(boolean on) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId, on,
                ignoreOutgoing, fanout, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /** @param on whether to ignore the host's outgoing frames @return a copy with this setting */
    public PacketSocketOptions withIgnoreOutgoing(boolean on) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, on, fanout, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /** @param mode how a socket group spreads frames @return a copy with this fanout */
    public PacketSocketOptions withFanout(Fanout mode) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, mode, fanoutVirtualAddresses, receiveRing, qdiscBypass);
    }

    /**
     * Steers by the client's address in both directions ({@link Fanout#CLIENT_ADDRESS}).
     *
     * @param virtualAddresses the director's virtual addresses, IPv4 and IPv6
     * @return a copy with this fanout
     */
    public PacketSocketOptions withClientFanout(Collection<? extends InetAddress> virtualAddresses) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, Fanout.CLIENT_ADDRESS, List.copyOf(virtualAddresses), receiveRing,
                qdiscBypass);
    }

    /**
     * @param ring a {@code TPACKET_V3} receive ring, or {@code null} to receive with {@code recvmmsg}
     * @return a copy that receives this way
     */
    public PacketSocketOptions withReceiveRing(ReceiveRing ring) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, fanout, fanoutVirtualAddresses, ring, qdiscBypass);
    }

    /** @param on whether to send past the queueing discipline @return a copy with this setting */
    public PacketSocketOptions withQdiscBypass(boolean on) {
        return new PacketSocketOptions(interfaceName, batchSize, receiveBufferBytes, sendBufferBytes, fanoutGroupId,
                vnetHeader, ignoreOutgoing, fanout, fanoutVirtualAddresses, receiveRing, on);
    }
}
