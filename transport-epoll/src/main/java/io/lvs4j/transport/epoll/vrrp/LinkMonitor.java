package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.transport.epoll.internal.EpollDescriptor;
import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.Structs;
import io.netty.channel.IoEventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.function.BiConsumer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Follows the link state of some interfaces through an rtnetlink socket subscribed to
 * {@code RTMGRP_LINK}, on a Netty epoll loop: every {@code RTM_NEWLINK}/{@code RTM_DELLINK}
 * message for a watched ifindex reports the interface up ({@code IFF_RUNNING}) or down.
 *
 * {@link LinkMessages} reads the messages; a malformed one is counted ({@link #malformed()}) and
 * logged.
 *
 * <p>Threading: open and close off the loop; the callback runs on the loop.
 */
final class LinkMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int RTMGRP_LINK = 1;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final int SLOT = 16384;
    private static final int BATCH = 4;

    private final int fd;
    private final Map<Integer, String> names;
    private final BiConsumer<String, Boolean> callback;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment rxBuffer;
    private final MemorySegment rxVec;
    private final EpollDescriptor descriptor;
    private long malformed;

    private LinkMonitor(IoEventLoop loop, int fd, Map<Integer, String> names, BiConsumer<String, Boolean> callback) {
        this.fd = fd;
        this.names = Map.copyOf(names);
        this.callback = callback;
        this.descriptor = new EpollDescriptor(loop, fd, this::drain, arena::close);
        this.callState = Libc.newCallState(arena);
        this.rxBuffer = arena.allocate((long) SLOT * BATCH, 8);
        this.rxVec = arena.allocate(Structs.MMSGHDR, BATCH);
        MemorySegment iov = arena.allocate(Structs.IOVEC, BATCH);
        for (int i = 0; i < BATCH; i++) {
            long v = i * Structs.IOVEC.byteSize();
            iov.set(ADDRESS, v + Structs.IOV_BASE, rxBuffer.asSlice((long) i * SLOT));
            iov.set(JAVA_LONG, v + Structs.IOV_LEN, SLOT);
            long m = i * Structs.MMSGHDR.byteSize();
            rxVec.set(ADDRESS, m + Structs.MMSG_IOV, iov.asSlice(v));
            rxVec.set(JAVA_LONG, m + Structs.MMSG_IOVLEN, 1);
        }
    }

    /**
     * Opens the monitor in the calling thread's network namespace.
     *
     * @param loop the loop to run the callback on
     * @param names the watched interfaces by ifindex
     * @param callback receives (interface, up) on every link message of a watched interface
     * @return the monitor, registered
     * @throws IOException if the netlink socket cannot be opened
     */
    static LinkMonitor open(IoEventLoop loop, Map<Integer, String> names, BiConsumer<String, Boolean> callback)
            throws IOException {
        int fd = PacketSocketFd.open(AF_NETLINK, Libc.SOCK_RAW, NETLINK_ROUTE);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SOCKADDR_NL_SIZE, 4);
            sa.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            sa.set(JAVA_INT, 8, RTMGRP_LINK);
            MemorySegment cs = Libc.newCallState(a);
            if (Libc.bind(cs, fd, sa, SOCKADDR_NL_SIZE) < 0) {
                int errno = Libc.errno(cs);
                PacketSocketFd.close(fd);
                throw new NativeIoException("bind(AF_NETLINK, RTMGRP_LINK)", errno);
            }
        }
        LinkMonitor monitor = new LinkMonitor(loop, fd, names, callback);
        monitor.descriptor.register("the link monitor");
        return monitor;
    }

    /**
     * Reads whether an interface's link is up now ({@code SIOCGIFFLAGS}, {@code IFF_RUNNING}).
     *
     * @param name the interface
     * @return {@code true} if running
     * @throws NativeIoException if there is no such interface
     */
    static boolean running(String name) throws NativeIoException {
        byte[] ifru = PacketSocketFd.ifreq(name, SIOCGIFFLAGS);
        int flags = (ifru[0] & 0xFF) | (ifru[1] & 0xFF) << 8; // a native (little-endian) short
        return (flags & LinkMessages.IFF_RUNNING) != 0;
    }

    private void drain() {
        for (int round = 0; round < 16 && !descriptor.released(); round++) {
            int n = Libc.recvmmsg(callState, fd, rxVec, BATCH, Libc.MSG_DONTWAIT, MemorySegment.NULL);
            if (n <= 0) {
                if (n < 0 && Libc.errno(callState) == 105 /* ENOBUFS: messages lost */) {
                    LOG.warn("link monitor overrun; link changes may have been missed");
                    continue;
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                int length = rxVec.get(JAVA_INT, i * Structs.MMSGHDR.byteSize() + Structs.MMSG_LEN);
                if (LinkMessages.read(rxBuffer, (long) i * SLOT, length, names, callback) != 0) {
                    malformed++;
                    LOG.warn("malformed rtnetlink message ignored ({} so far)", malformed);
                }
            }
        }
    }

    /** @return the datagrams that held a malformed message, since the monitor opened */
    long malformed() {
        return malformed;
    }

    @Override
    public void close() {
        descriptor.close();
    }
}
