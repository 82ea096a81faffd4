package io.lvs4j.transport.epoll.internal;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C structs of the transport as FFM layouts (Linux, LP64), with their field offsets taken
 * from the layouts rather than written by hand.
 */
public final class Structs {

    /**
     * {@code struct sockaddr_ll} (20 bytes).
     * <pre>
     * unsigned short sll_family;   unsigned short sll_protocol (network order);
     * int sll_ifindex;             unsigned short sll_hatype;
     * unsigned char sll_pkttype;   unsigned char sll_halen;   unsigned char sll_addr[8];
     * </pre>
     */
    public static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));
    /** Offset of {@code sll_family}. */
    public static final long SLL_FAMILY = SOCKADDR_LL.byteOffset(groupElement("sll_family"));
    /** Offset of {@code sll_protocol}. */
    public static final long SLL_PROTOCOL = SOCKADDR_LL.byteOffset(groupElement("sll_protocol"));
    /** Offset of {@code sll_ifindex}. */
    public static final long SLL_IFINDEX = SOCKADDR_LL.byteOffset(groupElement("sll_ifindex"));
    /** Offset of {@code sll_pkttype}. */
    public static final long SLL_PKTTYPE = SOCKADDR_LL.byteOffset(groupElement("sll_pkttype"));
    /** Offset of {@code sll_halen}. */
    public static final long SLL_HALEN = SOCKADDR_LL.byteOffset(groupElement("sll_halen"));
    /** Offset of {@code sll_addr}. */
    public static final long SLL_ADDR = SOCKADDR_LL.byteOffset(groupElement("sll_addr"));

    /**
     * {@code struct ifreq} (40 bytes): {@code char ifr_name[IFNAMSIZ]} then a 24-byte union of
     * which the transport reads {@code int ifr_ifindex}, {@code int ifr_mtu} and
     * {@code struct sockaddr ifr_hwaddr} ({@code sa_family} then {@code sa_data}).
     */
    public static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ifr_name"),
            MemoryLayout.unionLayout(
                    JAVA_INT.withName("ifr_ifindex"),
                    JAVA_INT.withName("ifr_mtu"),
                    MemoryLayout.structLayout(
                            JAVA_SHORT.withName("sa_family"),
                            MemoryLayout.sequenceLayout(14, JAVA_BYTE).withName("sa_data")).withName("ifr_hwaddr"),
                    MemoryLayout.sequenceLayout(24, JAVA_BYTE).withName("ifr_pad")).withName("ifr_ifru"));
    /** Length of {@code ifr_name}, {@code IFNAMSIZ}, with its terminating zero. */
    public static final int IFNAMSIZ = 16;
    /** Offset of {@code ifr_ifindex}. */
    public static final long IFR_IFINDEX = IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_ifindex"));
    /** Offset of {@code ifr_mtu}. */
    public static final long IFR_MTU = IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_mtu"));
    /** Offset of {@code ifr_hwaddr.sa_data}. */
    public static final long IFR_HWADDR_DATA = IFREQ.byteOffset(groupElement("ifr_ifru"), groupElement("ifr_hwaddr"),
            groupElement("sa_data"));

    /** {@code struct iovec { void *iov_base; size_t iov_len; }}. */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
    /** Offset of {@code iov_base}. */
    public static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    /** Offset of {@code iov_len}. */
    public static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));

    /**
     * {@code struct msghdr}: {@code void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov;
     * size_t msg_iovlen; void *msg_control; size_t msg_controllen; int msg_flags;}.
     */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));

    /** {@code struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }}. */
    public static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    /** Offset of {@code msg_hdr.msg_name}. */
    public static final long MMSG_NAME = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_name"));
    /** Offset of {@code msg_hdr.msg_namelen}. */
    public static final long MMSG_NAMELEN = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_namelen"));
    /** Offset of {@code msg_hdr.msg_iov}. */
    public static final long MMSG_IOV = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_iov"));
    /** Offset of {@code msg_hdr.msg_iovlen}. */
    public static final long MMSG_IOVLEN = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_iovlen"));
    /** Offset of {@code msg_hdr.msg_control}. */
    public static final long MMSG_CONTROL = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_control"));
    /** Offset of {@code msg_hdr.msg_controllen}. */
    public static final long MMSG_CONTROLLEN = MMSGHDR.byteOffset(groupElement("msg_hdr"),
            groupElement("msg_controllen"));
    /** Offset of {@code msg_hdr.msg_flags}. */
    public static final long MMSG_FLAGS = MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_flags"));
    /** Offset of {@code msg_len}. */
    public static final long MMSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));

    /** {@code struct tpacket_stats { unsigned int tp_packets; unsigned int tp_drops; }}. */
    public static final StructLayout TPACKET_STATS = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_packets"), JAVA_INT.withName("tp_drops"));
    /** Offset of {@code tp_packets}. */
    public static final long TP_PACKETS = TPACKET_STATS.byteOffset(groupElement("tp_packets"));
    /** Offset of {@code tp_drops}. */
    public static final long TP_DROPS = TPACKET_STATS.byteOffset(groupElement("tp_drops"));

    /**
     * {@code struct virtio_net_hdr} (10 bytes, host byte order on little-endian hosts):
     * {@code u8 flags; u8 gso_type; u16 hdr_len; u16 gso_size; u16 csum_start; u16 csum_offset;}.
     */
    public static final StructLayout VIRTIO_NET_HDR = MemoryLayout.structLayout(
            JAVA_BYTE.withName("flags"),
            JAVA_BYTE.withName("gso_type"),
            JAVA_SHORT.withByteAlignment(1).withName("hdr_len"),
            JAVA_SHORT.withByteAlignment(1).withName("gso_size"),
            JAVA_SHORT.withByteAlignment(1).withName("csum_start"),
            JAVA_SHORT.withByteAlignment(1).withName("csum_offset"));
    /** Offset of {@code flags}. */
    public static final long VNET_FLAGS = VIRTIO_NET_HDR.byteOffset(groupElement("flags"));
    /** Offset of {@code gso_type}. */
    public static final long VNET_GSO_TYPE = VIRTIO_NET_HDR.byteOffset(groupElement("gso_type"));
    /** Offset of {@code hdr_len}. */
    public static final long VNET_HDR_LEN = VIRTIO_NET_HDR.byteOffset(groupElement("hdr_len"));
    /** Offset of {@code gso_size}. */
    public static final long VNET_GSO_SIZE = VIRTIO_NET_HDR.byteOffset(groupElement("gso_size"));
    /** Offset of {@code csum_start}. */
    public static final long VNET_CSUM_START = VIRTIO_NET_HDR.byteOffset(groupElement("csum_start"));
    /** Offset of {@code csum_offset}. */
    public static final long VNET_CSUM_OFFSET = VIRTIO_NET_HDR.byteOffset(groupElement("csum_offset"));
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: the L4 checksum is still to be completed. */
    public static final int VNET_F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
    public static final int VNET_GSO_NONE = 0;

    /** {@code struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }} (8 bytes): one classic BPF instruction. */
    public static final StructLayout SOCK_FILTER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("code"), JAVA_BYTE.withName("jt"), JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));
    /** Offset of {@code code}. */
    public static final long FILTER_CODE = SOCK_FILTER.byteOffset(groupElement("code"));
    /** Offset of {@code jt}. */
    public static final long FILTER_JT = SOCK_FILTER.byteOffset(groupElement("jt"));
    /** Offset of {@code jf}. */
    public static final long FILTER_JF = SOCK_FILTER.byteOffset(groupElement("jf"));
    /** Offset of {@code k}. */
    public static final long FILTER_K = SOCK_FILTER.byteOffset(groupElement("k"));

    /** {@code struct sock_fprog { unsigned short len; struct sock_filter *filter; }} (16 bytes). */
    public static final StructLayout SOCK_FPROG = MemoryLayout.structLayout(
            JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(6), ADDRESS.withName("filter"));
    /** Offset of {@code len}. */
    public static final long FPROG_LEN = SOCK_FPROG.byteOffset(groupElement("len"));
    /** Offset of {@code filter}. */
    public static final long FPROG_FILTER = SOCK_FPROG.byteOffset(groupElement("filter"));

    /**
     * {@code struct tpacket_req3} (28 bytes), the value of {@code PACKET_RX_RING} for
     * {@code TPACKET_V3}: {@code unsigned int tp_block_size, tp_block_nr, tp_frame_size,
     * tp_frame_nr, tp_retire_blk_tov, tp_sizeof_priv, tp_feature_req_word;}.
     */
    public static final StructLayout TPACKET_REQ3 = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_block_size"),
            JAVA_INT.withName("tp_block_nr"),
            JAVA_INT.withName("tp_frame_size"),
            JAVA_INT.withName("tp_frame_nr"),
            JAVA_INT.withName("tp_retire_blk_tov"),
            JAVA_INT.withName("tp_sizeof_priv"),
            JAVA_INT.withName("tp_feature_req_word"));
    /** Offset of {@code tp_block_size}. */
    public static final long REQ3_BLOCK_SIZE = TPACKET_REQ3.byteOffset(groupElement("tp_block_size"));
    /** Offset of {@code tp_block_nr}. */
    public static final long REQ3_BLOCK_NR = TPACKET_REQ3.byteOffset(groupElement("tp_block_nr"));
    /** Offset of {@code tp_frame_size}. */
    public static final long REQ3_FRAME_SIZE = TPACKET_REQ3.byteOffset(groupElement("tp_frame_size"));
    /** Offset of {@code tp_frame_nr}. */
    public static final long REQ3_FRAME_NR = TPACKET_REQ3.byteOffset(groupElement("tp_frame_nr"));
    /** Offset of {@code tp_retire_blk_tov}. */
    public static final long REQ3_RETIRE_BLK_TOV = TPACKET_REQ3.byteOffset(groupElement("tp_retire_blk_tov"));

    /**
     * {@code struct tpacket_block_desc} with its {@code struct tpacket_hdr_v1} (48 bytes), at the
     * start of every block of a {@code TPACKET_V3} ring:
     * <pre>
     * u32 version; u32 offset_to_priv;
     * u32 block_status; u32 num_pkts; u32 offset_to_first_pkt; u32 blk_len;
     * u64 seq_num; struct tpacket_bd_ts ts_first_pkt, ts_last_pkt; (8 bytes each)
     * </pre>
     * {@code block_status} is {@code TP_STATUS_KERNEL} (0) while the kernel owns the block and
     * has {@code TP_STATUS_USER} (1) once it has retired it to user space.
     */
    public static final StructLayout TPACKET_BLOCK_DESC = MemoryLayout.structLayout(
            JAVA_INT.withName("version"),
            JAVA_INT.withName("offset_to_priv"),
            JAVA_INT.withName("block_status"),
            JAVA_INT.withName("num_pkts"),
            JAVA_INT.withName("offset_to_first_pkt"),
            JAVA_INT.withName("blk_len"),
            JAVA_LONG.withName("seq_num"),
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("ts_first_pkt"),
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("ts_last_pkt"));
    /** Offset of {@code block_status}. */
    public static final long BLOCK_STATUS = TPACKET_BLOCK_DESC.byteOffset(groupElement("block_status"));
    /** Offset of {@code num_pkts}. */
    public static final long BLOCK_NUM_PKTS = TPACKET_BLOCK_DESC.byteOffset(groupElement("num_pkts"));
    /** Offset of {@code offset_to_first_pkt}. */
    public static final long BLOCK_FIRST_PKT = TPACKET_BLOCK_DESC.byteOffset(groupElement("offset_to_first_pkt"));

    /**
     * {@code struct tpacket3_hdr} (48 bytes), before every frame of a {@code TPACKET_V3} block:
     * <pre>
     * u32 tp_next_offset; u32 tp_sec; u32 tp_nsec; u32 tp_snaplen; u32 tp_len; u32 tp_status;
     * u16 tp_mac; u16 tp_net; struct tpacket_hdr_variant1 hv1; (12 bytes) u8 tp_padding[8];
     * </pre>
     * The frame's {@code struct sockaddr_ll} follows at {@link #TPACKET3_SLL}
     * ({@code TPACKET_ALIGN(sizeof(struct tpacket3_hdr))}); with {@code PACKET_VNET_HDR} the
     * {@code struct virtio_net_hdr} sits right before the Ethernet header, at {@code tp_mac - 10}.
     */
    public static final StructLayout TPACKET3_HDR = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_next_offset"),
            JAVA_INT.withName("tp_sec"),
            JAVA_INT.withName("tp_nsec"),
            JAVA_INT.withName("tp_snaplen"),
            JAVA_INT.withName("tp_len"),
            JAVA_INT.withName("tp_status"),
            JAVA_SHORT.withName("tp_mac"),
            JAVA_SHORT.withName("tp_net"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("hv1"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("tp_padding"));
    /** Offset of {@code tp_next_offset}: from this frame's header to the next one's, 0 for the last. */
    public static final long TP3_NEXT_OFFSET = TPACKET3_HDR.byteOffset(groupElement("tp_next_offset"));
    /** Offset of {@code tp_snaplen}: the bytes stored. */
    public static final long TP3_SNAPLEN = TPACKET3_HDR.byteOffset(groupElement("tp_snaplen"));
    /** Offset of {@code tp_len}: the frame's length on the wire. */
    public static final long TP3_LEN = TPACKET3_HDR.byteOffset(groupElement("tp_len"));
    /** Offset of {@code tp_mac}: from the frame's header to its Ethernet header. */
    public static final long TP3_MAC = TPACKET3_HDR.byteOffset(groupElement("tp_mac"));
    /** Offset of the frame's {@code struct sockaddr_ll}: {@code TPACKET_ALIGN(sizeof(struct tpacket3_hdr))}. */
    public static final long TPACKET3_SLL = (TPACKET3_HDR.byteSize() + 15) & ~15L;

    private Structs() {
    }
}
