package io.lvs4j.transport.epoll.internal;

import static io.lvs4j.transport.epoll.internal.Ebpf.B;
import static io.lvs4j.transport.epoll.internal.Ebpf.H;
import static io.lvs4j.transport.epoll.internal.Ebpf.R0;
import static io.lvs4j.transport.epoll.internal.Ebpf.R1;
import static io.lvs4j.transport.epoll.internal.Ebpf.R10;
import static io.lvs4j.transport.epoll.internal.Ebpf.R2;
import static io.lvs4j.transport.epoll.internal.Ebpf.R3;
import static io.lvs4j.transport.epoll.internal.Ebpf.R4;
import static io.lvs4j.transport.epoll.internal.Ebpf.R5;
import static io.lvs4j.transport.epoll.internal.Ebpf.R6;
import static io.lvs4j.transport.epoll.internal.Ebpf.R7;
import static io.lvs4j.transport.epoll.internal.Ebpf.R8;
import static io.lvs4j.transport.epoll.internal.Ebpf.W;

/**
 * The XDP program of the AF_XDP transport: it redirects to the {@code AF_XDP} socket of the
 * receive queue only the IPv4 frames the director's data path forwards, and passes every
 * other frame to the kernel ({@code XDP_PASS}), where the packet sockets see it as before.
 *
 * <p>The rule, over one hash map of IPv4 addresses ({@link #KEY_SIZE}-byte key: the address
 * in network byte order, as it sits in the packet; {@link #VALUE_SIZE}-byte value: flag bits):
 * <ol>
 *   <li>not IPv4 (ARP, IPv6, VLAN-tagged), or shorter than Ethernet plus 20 bytes: pass;</li>
 *   <li>the destination has {@link #TO_DIRECTOR} (a VIP or a full-NAT local address, which the
 *       director owns in user space): redirect; it has {@link #HOST} (an address of the host's
 *       own, such as a health check's reply from a NAT real server): pass;</li>
 *   <li>the source has {@link #NAT_SERVER} (a reply of a NAT real server on its way to a
 *       client): redirect;</li>
 *   <li>anything else: pass.</li>
 * </ol>
 * The redirect is {@code bpf_redirect_map(xsks, rx_queue_index, XDP_PASS)}: a queue without a
 * socket in the {@code XSKMAP} passes the frame to the kernel instead of dropping it.
 */
public final class XdpProgram {

    /** Key size of the address map: an IPv4 address, network byte order. */
    public static final int KEY_SIZE = 4;
    /** Value size of the address map: the flags, a native-order {@code u32}. */
    public static final int VALUE_SIZE = 4;
    /** Flag: frames to this address go to the director (a VIP, a full-NAT local address). */
    public static final int TO_DIRECTOR = 1;
    /** Flag: frames from this address go to the director unless to the host (a NAT real server). */
    public static final int NAT_SERVER = 2;
    /** Flag: frames to this address are the host's own and go to the kernel. */
    public static final int HOST = 4;

    /** {@code XDP_PASS}. */
    public static final int XDP_PASS = 2;
    /** {@code BPF_FUNC_map_lookup_elem}. */
    static final int MAP_LOOKUP_ELEM = 1;
    /** {@code BPF_FUNC_redirect_map}. */
    static final int REDIRECT_MAP = 51;
    /** Offsets in {@code struct xdp_md}: data, data_end, rx_queue_index. */
    static final int MD_DATA = 0;
    static final int MD_DATA_END = 4;
    static final int MD_RX_QUEUE_INDEX = 16;
    /** The IPv4 ethertype as a little-endian load of the big-endian field reads it. */
    static final int ETH_P_IP_LOADED = 0x0008;
    static final int ETHER_TYPE = 12;
    static final int IPV4_SOURCE = 14 + 12;
    static final int IPV4_DESTINATION = 14 + 16;
    static final int MINIMUM = 14 + 20;

    private XdpProgram() {
    }

    /**
     * Assembles the program for two maps.
     *
     * @param addressMap the descriptor of the address map (a hash of {@link #KEY_SIZE} to {@link #VALUE_SIZE})
     * @param socketMap the descriptor of the {@code XSKMAP}, keyed by receive queue
     * @return the instructions
     */
    public static long[] build(int addressMap, int socketMap) {
        return build(addressMap, socketMap, XDP_PASS);
    }

    /**
     * Assembles the program with another action for a queue without a socket (tests make it
     * {@code XDP_DROP} to tell a redirect from a pass in {@code BPF_PROG_TEST_RUN}).
     *
     * @param addressMap the descriptor of the address map
     * @param socketMap the descriptor of the {@code XSKMAP}
     * @param noSocket the action when the {@code XSKMAP} has no socket for the queue
     * @return the instructions
     */
    public static long[] build(int addressMap, int socketMap, int noSocket) {
        Ebpf a = new Ebpf();
        a.movReg(R6, R1);                                  // r6 = ctx, kept across calls
        a.load(W, R2, R1, MD_DATA);
        a.load(W, R3, R1, MD_DATA_END);
        a.movReg(R4, R2);
        a.add(R4, MINIMUM);
        a.jumpIfGreater(R4, R3, "pass");                  // the verifier's bound for every read below
        a.load(H, R5, R2, ETHER_TYPE);
        a.jumpIfNotEqual(R5, ETH_P_IP_LOADED, "pass");
        a.load(W, R7, R2, IPV4_SOURCE);                    // r7, r8: kept across the lookups
        a.load(W, R8, R2, IPV4_DESTINATION);
        a.store(W, R10, -4, R8);
        a.loadMap(R1, addressMap);
        a.movReg(R2, R10);
        a.add(R2, -4);
        a.call(MAP_LOOKUP_ELEM);
        a.jumpIfEqual(R0, 0, "source");
        a.load(B, R0, R0, 0);
        a.jumpIfAnySet(R0, TO_DIRECTOR, "redirect");
        a.jumpIfAnySet(R0, HOST, "pass");
        a.label("source");
        a.store(W, R10, -8, R7);
        a.loadMap(R1, addressMap);
        a.movReg(R2, R10);
        a.add(R2, -8);
        a.call(MAP_LOOKUP_ELEM);
        a.jumpIfEqual(R0, 0, "pass");
        a.load(B, R0, R0, 0);
        a.jumpIfAnySet(R0, NAT_SERVER, "redirect");
        a.jump("pass");
        a.label("redirect");
        a.load(W, R2, R6, MD_RX_QUEUE_INDEX);
        a.loadMap(R1, socketMap);
        a.mov(R3, noSocket);                               // the action if the queue has no socket
        a.call(REDIRECT_MAP);
        a.exit();
        a.label("pass");
        a.mov(R0, XDP_PASS);
        a.exit();
        return a.code();
    }
}
