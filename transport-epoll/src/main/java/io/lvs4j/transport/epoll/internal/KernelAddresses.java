package io.lvs4j.transport.epoll.internal;

import io.lvs4j.core.config.VirtualIpAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Adds and removes addresses on the kernel's interfaces through rtnetlink, as keepalived does
 * for the {@code virtual_ipaddress} of a master ({@code ip addr add/del} without the program):
 * one {@code RTM_NEWADDR} or {@code RTM_DELADDR} request, acknowledged by the kernel.
 *
 * <p>A request: {@code struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }},
 * {@code struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }}, then
 * {@code struct rtattr { u16 len; u16 type; }} attributes, each padded to 4 bytes:
 * {@code IFA_LOCAL} and {@code IFA_ADDRESS} (the address), {@code IFA_BROADCAST},
 * {@code IFA_LABEL} (a NUL-terminated name), {@code IFA_FLAGS} (u32). All in host byte order
 * but the addresses. The kernel handles a request within {@code sendto(2)} and queues its
 * answer ({@code NLMSG_ERROR}, error 0 for success) before the call returns.
 *
 * <p>Threading: one caller at a time (the control plane); the socket belongs to the network
 * namespace of the thread that opened it.
 */
public final class KernelAddresses implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int AF_INET6 = 10;
    private static final int NLMSG_ERROR = 2;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int NLM_F_REQUEST = 0x01;
    private static final int NLM_F_ACK = 0x04;
    private static final int NLM_F_REPLACE = 0x100;
    private static final int NLM_F_CREATE = 0x400;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_LABEL = 3;
    private static final int IFA_BROADCAST = 4;
    private static final int IFA_FLAGS = 8;
    private static final int IFA_F_NODAD = 0x02;
    private static final int IFA_F_NOPREFIXROUTE = 0x200;
    private static final int NLMSG_HDRLEN = 16;
    private static final int IFADDRMSG_LEN = 8;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int BUFFER = 512;
    private static final int EEXIST = 17;
    private static final int EADDRNOTAVAIL = 99;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = Libc.newCallState(arena);
    private final MemorySegment request = arena.allocate(BUFFER, 8);
    private final MemorySegment answer = arena.allocate(BUFFER, 8);
    private final MemorySegment kernel = arena.allocate(SOCKADDR_NL_SIZE, 4);
    private final MemorySegment rxVec = arena.allocate(Structs.MMSGHDR);
    private int sequence;

    private KernelAddresses(int fd) {
        this.fd = fd;
        kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
        MemorySegment iov = arena.allocate(Structs.IOVEC);
        iov.set(ADDRESS, Structs.IOV_BASE, answer);
        iov.set(JAVA_LONG, Structs.IOV_LEN, BUFFER);
        rxVec.set(ADDRESS, Structs.MMSG_IOV, iov);
        rxVec.set(JAVA_LONG, Structs.MMSG_IOVLEN, 1);
    }

    /**
     * Opens an rtnetlink socket in the calling thread's network namespace.
     *
     * @return the socket
     * @throws NativeIoException if it cannot be opened
     */
    public static KernelAddresses open() throws NativeIoException {
        return new KernelAddresses(PacketSocketFd.open(AF_NETLINK, Libc.SOCK_RAW, NETLINK_ROUTE));
    }

    /**
     * Adds an address to an interface, or updates it if it is there ({@code ip addr replace}).
     *
     * @param ifindex the interface
     * @param address the address and its options (the device in it is not read)
     * @throws NativeIoException if the kernel refuses it
     */
    public void add(int ifindex, VirtualIpAddress address) throws NativeIoException {
        int error = exchange(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, address);
        if (error != 0 && error != EEXIST) {
            throw new NativeIoException("adding " + address.address().getHostAddress() + "/" + address.prefixLength()
                    + " to interface " + ifindex, error);
        }
    }

    /**
     * Removes an address from an interface.
     *
     * @param ifindex the interface
     * @param address the address
     * @return {@code false} if it was not there
     * @throws NativeIoException if the kernel refuses otherwise
     */
    public boolean remove(int ifindex, VirtualIpAddress address) throws NativeIoException {
        int error = exchange(RTM_DELADDR, 0, ifindex, address);
        if (error == EADDRNOTAVAIL) {
            return false;
        }
        if (error != 0) {
            throw new NativeIoException("removing " + address.address().getHostAddress() + " from interface "
                    + ifindex, error);
        }
        return true;
    }

    /** Sends one request and reads its acknowledgement; @return 0 or the kernel's errno */
    private int exchange(int type, int flags, int ifindex, VirtualIpAddress address) throws NativeIoException {
        int length = encode(type, flags, ifindex, address);
        if (!PacketSocketFd.sendTo(callState, fd, request, length, kernel, SOCKADDR_NL_SIZE)) {
            throw new NativeIoException("sending an rtnetlink request", Libc.errno(callState));
        }
        int seq = request.get(JAVA_INT, 8);
        for (int attempt = 0; attempt < 8; attempt++) {
            int n = Libc.recvmmsg(callState, fd, rxVec, 1, Libc.MSG_DONTWAIT, MemorySegment.NULL);
            if (n < 0) {
                int errno = Libc.errno(callState);
                if (errno == Libc.EINTR) {
                    continue;
                }
                throw new NativeIoException("reading the rtnetlink answer", errno);
            }
            int received = rxVec.get(JAVA_INT, Structs.MMSG_LEN);
            if (received >= NLMSG_HDRLEN + 4 && (answer.get(JAVA_SHORT, 4) & 0xFFFF) == NLMSG_ERROR
                    && answer.get(JAVA_INT, 8) == seq) {
                return -answer.get(JAVA_INT, NLMSG_HDRLEN);
            }
        }
        throw new NativeIoException("no rtnetlink answer to request " + seq, 0);
    }

    private int encode(int type, int flags, int ifindex, VirtualIpAddress address) {
        request.fill((byte) 0);
        byte[] bytes = address.address().getAddress();
        boolean ipv4 = address.address() instanceof Inet4Address;
        request.set(JAVA_SHORT, 4, (short) type);
        request.set(JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_ACK | flags));
        request.set(JAVA_INT, 8, ++sequence);
        long msg = NLMSG_HDRLEN;
        int addressFlags = (!ipv4 && address.noDad() ? IFA_F_NODAD : 0)
                | (address.noPrefixRoute() ? IFA_F_NOPREFIXROUTE : 0);
        request.set(JAVA_BYTE, msg, (byte) (ipv4 ? Libc.AF_INET : AF_INET6));
        request.set(JAVA_BYTE, msg + 1, (byte) address.prefixLength());
        request.set(JAVA_BYTE, msg + 2, (byte) (addressFlags & 0xFF));
        request.set(JAVA_BYTE, msg + 3, (byte) address.scope());
        request.set(JAVA_INT, msg + 4, ifindex);
        long at = msg + IFADDRMSG_LEN;
        at = attribute(at, IFA_LOCAL, bytes);
        at = attribute(at, IFA_ADDRESS, bytes);
        if (address.broadcast().isPresent()) {
            at = attribute(at, IFA_BROADCAST, address.broadcast().get().getAddress());
        }
        if (ipv4 && address.label().isPresent()) {
            byte[] name = address.label().get().getBytes(StandardCharsets.US_ASCII);
            byte[] terminated = new byte[Math.min(name.length, 15) + 1];
            System.arraycopy(name, 0, terminated, 0, terminated.length - 1);
            at = attribute(at, IFA_LABEL, terminated);
        }
        byte[] extended = new byte[4];
        MemorySegment.ofArray(extended).set(JAVA_INT_UNALIGNED, 0, addressFlags);
        at = attribute(at, IFA_FLAGS, extended);
        request.set(JAVA_INT, 0, (int) at);
        return (int) at;
    }

    private long attribute(long at, int type, byte[] data) {
        int length = 4 + data.length;
        request.set(JAVA_SHORT, at, (short) length);
        request.set(JAVA_SHORT, at + 2, (short) type);
        MemorySegment.copy(data, 0, request, JAVA_BYTE, at + 4, data.length);
        return at + ((length + 3) & ~3);
    }

    @Override
    public void close() {
        PacketSocketFd.close(fd);
        arena.close();
    }
}
