package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StructsTest {

    @Test
    void shouldMatchTheLinuxLp64SizesOfEveryStruct() {
        assertEquals(20, Structs.SOCKADDR_LL.byteSize());
        assertEquals(40, Structs.IFREQ.byteSize());
        assertEquals(16, Structs.IOVEC.byteSize());
        assertEquals(56, Structs.MSGHDR.byteSize());
        assertEquals(64, Structs.MMSGHDR.byteSize());
        assertEquals(8, Structs.TPACKET_STATS.byteSize());
        assertEquals(10, Structs.VIRTIO_NET_HDR.byteSize());
        assertEquals(28, Structs.TPACKET_REQ3.byteSize());
        assertEquals(48, Structs.TPACKET_BLOCK_DESC.byteSize());
        assertEquals(48, Structs.TPACKET3_HDR.byteSize());
    }

    @Test
    void shouldPlaceFieldsWhereTheKernelHeadersDo() {
        assertEquals(2, Structs.SLL_PROTOCOL);
        assertEquals(4, Structs.SLL_IFINDEX);
        assertEquals(10, Structs.SLL_PKTTYPE);
        assertEquals(12, Structs.SLL_ADDR);
        assertEquals(16, Structs.IFR_IFINDEX);
        assertEquals(16, Structs.IFR_MTU);
        assertEquals(18, Structs.IFR_HWADDR_DATA);
        assertEquals(16, Structs.MMSG_IOV);
        assertEquals(24, Structs.MMSG_IOVLEN);
        assertEquals(48, Structs.MMSG_FLAGS);
        assertEquals(56, Structs.MMSG_LEN);
        assertEquals(4, Structs.VNET_GSO_SIZE);
        assertEquals(8, Structs.VNET_CSUM_OFFSET);
        assertEquals(16, Structs.REQ3_RETIRE_BLK_TOV);
        assertEquals(8, Structs.BLOCK_STATUS);
        assertEquals(12, Structs.BLOCK_NUM_PKTS);
        assertEquals(16, Structs.BLOCK_FIRST_PKT);
        assertEquals(12, Structs.TP3_SNAPLEN);
        assertEquals(16, Structs.TP3_LEN);
        assertEquals(24, Structs.TP3_MAC);
        assertEquals(48, Structs.TPACKET3_SLL);
    }
}
