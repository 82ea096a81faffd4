package io.lvs4j.transport.epoll;

/**
 * Counters of one packet socket, or of a group summed over its sockets.
 *
 * @param rxFrames frames received and handed to the handler
 * @param rxBytes bytes of those frames, Ethernet header included, virtio-net header excluded
 * @param rxTruncated frames dropped because longer than a receive slot or shorter than an Ethernet header
 * @param rxErrors failed receive calls
 * @param txFrames frames sent
 * @param txBytes bytes sent, virtio-net header excluded
 * @param txDropped frames not sent because the socket's send buffer was full
 * @param txErrors frames the kernel refused
 * @param kernelPackets frames the kernel delivered to the socket ({@code tp_packets})
 * @param kernelDrops frames the kernel dropped for lack of receive buffer ({@code tp_drops})
 */
public record PacketSocketStatistics(long rxFrames, long rxBytes, long rxTruncated, long rxErrors, long txFrames,
        long txBytes, long txDropped, long txErrors, long kernelPackets, long kernelDrops) {

    /**
     * Sums two statistics.
     *
     * @param other the other statistics
     * @return the sum
     */
    public PacketSocketStatistics plus(PacketSocketStatistics other) {
        return new PacketSocketStatistics(rxFrames + other.rxFrames, rxBytes + other.rxBytes,
                rxTruncated + other.rxTruncated, rxErrors + other.rxErrors, txFrames + other.txFrames,
                txBytes + other.txBytes, txDropped + other.txDropped, txErrors + other.txErrors,
                kernelPackets + other.kernelPackets, kernelDrops + other.kernelDrops);
    }

    /** @return all zero */
    public static PacketSocketStatistics zero() {
        return new PacketSocketStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
