package io.lvs4j.transport.epoll;

import io.lvs4j.core.model.ForwardingMethod;
import io.lvs4j.transport.epoll.internal.Bpf;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.lvs4j.transport.epoll.internal.XdpProgram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The AF_XDP accelerator of a {@link PacketDirector}: an XDP program on the interface that
 * redirects the IPv4 frames the data path forwards (see {@link XdpProgram}) to one
 * {@link XdpSocket} per receive queue, each on the loop of the same index and read by that
 * loop's {@link DataPath}, while every other frame (ARP, IPv6, VRRP, the host's own traffic)
 * passes to the kernel and the loops' packet sockets as before. The packet sockets stay open,
 * so a frame the program passes is handled by the same code as without XDP.
 *
 * <p>The program's address map follows the director: its VIPs and full-NAT local addresses,
 * its NAT real servers and the host's own IPv4 addresses are refreshed every second by a thread
 * of the interface's namespace and at once on a service update. The program is attached through a BPF link,
 * natively if the driver takes it, else in generic (skb) mode; the kernel detaches a link when
 * its last descriptor closes, so a director that dies leaves no program on the interface.
 *
 * <p>Limits: IPv6 stays on the packet sockets. With several receive queues each queue's frames
 * meet on its own loop, so NAT and full-NAT need the NIC to steer both directions of a
 * connection to one queue (one queue, as a veth has by default, always does). Frames sent by
 * a local sender over veth carry a partial checksum that {@code AF_XDP} does not report (no
 * virtio-net header): such senders need transmit checksumming off.
 *
 * <p>Thread-safe.
 */
final class XdpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(XdpTransport.class);
    private static final int ADDRESSES = 4096;

    private final LinkInfo link;
    private final Publication publication;
    private final DestinationTable destinations;
    private final int addressMap;
    private final int socketMap;
    private final int program;
    private final List<XdpSocket> sockets;
    private final Map<Integer, Integer> installed = new HashMap<>();
    /** The host's IPv4 addresses as last read from a thread of the interface's namespace. */
    private List<Integer> host = List.of();
    private int attachment = -1;
    private String mode;
    /**
     * The thread that refreshes the address map every second. It is started by the thread that
     * opens the transport, so it lives in the interface's network namespace (a thread inherits
     * its creator's), where it reads the host's addresses; the loops' threads may live in another.
     */
    private ScheduledExecutorService refresher;
    private boolean closed;
    /** Whether the last refresh failed (its warning is logged once). */
    private volatile boolean failing;

    private XdpTransport(LinkInfo link, Publication publication, DestinationTable destinations, int addressMap,
            int socketMap, int program, List<XdpSocket> sockets) {
        this.link = link;
        this.publication = publication;
        this.destinations = destinations;
        this.addressMap = addressMap;
        this.socketMap = socketMap;
        this.program = program;
        this.sockets = sockets;
    }

    /**
     * Loads the program, opens a socket per receive queue (at most one per loop), fills the
     * address map and attaches the program. Call from a thread of the interface's namespace.
     *
     * @param link the interface
     * @param publication the services as published
     * @param destinations the real servers
     * @param paths the loops' data paths, each with its loop set
     * @return the running accelerator
     * @throws IOException if the kernel refuses a step (what was made is released)
     */
    static XdpTransport open(LinkInfo link, Publication publication, DestinationTable destinations, List<DataPath> paths)
            throws IOException {
        int addressMap = Bpf.createMap(Bpf.MAP_TYPE_HASH, XdpProgram.KEY_SIZE, XdpProgram.VALUE_SIZE, ADDRESSES,
                "lvs4j_addrs");
        int socketMap = -1;
        int program = -1;
        List<XdpSocket> sockets = new ArrayList<>();
        try {
            socketMap = Bpf.createMap(Bpf.MAP_TYPE_XSKMAP, 4, 4, paths.size(), "lvs4j_xsks");
            program = Bpf.loadXdp(XdpProgram.build(addressMap, socketMap), "lvs4j_xdp");
            for (int queue = 0; queue < paths.size(); queue++) {
                DataPath path = paths.get(queue);
                try {
                    sockets.add(XdpSocket.open(path.loop(), link.index(), queue, socketMap, new PathHandler(path)));
                } catch (NativeIoException e) {
                    if (queue == 0) {
                        throw e;
                    }
                    break;  // no such queue: its frames, if any, pass to the packet sockets
                }
            }
            XdpTransport transport = new XdpTransport(link, publication, destinations, addressMap, socketMap, program,
                    List.copyOf(sockets));
            transport.refresh(true);
            transport.attach();
            transport.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lvs4j-xdp-" + link.name());
                t.setDaemon(true);
                return t;
            });
            transport.refresher.scheduleAtFixedRate(() -> transport.refreshQuietly(true), 1, 1, TimeUnit.SECONDS);
            return transport;
        } catch (IOException | RuntimeException e) {
            sockets.forEach(XdpSocket::close);
            for (int fd : new int[] {program, socketMap, addressMap}) {
                if (fd >= 0) {
                    PacketSocketFd.close(fd);
                }
            }
            throw e;
        }
    }

    /**
     * Opens the accelerator as {@link #open} does, or says once why it cannot and returns
     * {@code null}: the packet sockets then carry every frame, as with {@link Transport#PACKET}.
     *
     * A data path on several interfaces (a two-interface NAT director) stays on the packet
     * sockets: its forwarders choose the interface each frame leaves on, and an AF_XDP socket
     * sends only on its own. So does a director with fwmark services: the mark is set after XDP.
     *
     * @param link the interface
     * @param interfaces how many interfaces the data path forwards on
     * @param publication the services as published (with a fwmark service, AF_XDP is not used)
     * @param destinations the real servers
     * @param paths the loops' data paths, each with its loop set
     * @return the accelerator, or {@code null} to stay on {@code AF_PACKET}
     */
    static XdpTransport openOrFallBack(LinkInfo link, int interfaces, Publication publication,
            DestinationTable destinations, List<DataPath> paths) {
        String unfit = unfit(interfaces, publication.services().hasMarks());
        if (unfit != null) {
            return refused(link, unfit);
        }
        try {
            return open(link, publication, destinations, paths);
        } catch (IOException | RuntimeException e) {
            return refused(link, "not available: " + e.getMessage());
        }
    }

    /**
     * @param interfaces how many interfaces the data path forwards on
     * @param fwmark whether the director has fwmark services
     * @return why AF_XDP cannot carry such a data path, or {@code null} if it can
     */
    static String unfit(int interfaces, boolean fwmark) {
        if (interfaces > 1) {
            return "the data path forwards on " + interfaces + " interfaces, and an AF_XDP socket sends only on its own";
        }
        return fwmark ? "fwmark services: XDP runs before the netdev ingress hook where nftables sets the mark,"
                + " so the marked frames are read by IPv4 packet sockets after it" : null;
    }

    /**
     * Logs why AF_XDP is not used on an interface.
     *
     * @param link the interface
     * @param reason why
     * @return {@code null}: the data path stays on AF_PACKET
     */
    private static XdpTransport refused(LinkInfo link, String reason) {
        LOG.warn("AF_XDP is not used on {} ({}): the data path stays on AF_PACKET", link.name(), reason);
        return null;
    }

    private void attach() throws NativeIoException {
        try {
            attachment = Bpf.linkXdp(program, link.index(), Bpf.XDP_FLAGS_DRV_MODE);
            mode = "native";
        } catch (NativeIoException e) {
            LOG.info("native XDP refused on {} ({}): attaching in generic mode", link.name(), e.getMessage());
            attachment = Bpf.linkXdp(program, link.index(), Bpf.XDP_FLAGS_SKB_MODE);
            mode = "generic";
        }
        LOG.info("AF_XDP on {}: program attached ({} mode), {} socket(s) on queue(s) 0-{}", link.name(), mode,
                sockets.size(), sockets.size() - 1);
        if (sockets.size() > 1) {
            LOG.warn("AF_XDP on {}: {} receive queues, each read by its own loop: the NIC's hashing, not the"
                    + " fanout, now decides which loop sees a frame, so NAT and full-NAT replies and a persistent"
                    + " service's connections of one client must be steered to one queue by the NIC, or run with"
                    + " one loop", link.name(), sockets.size());
        }
    }

    /** @return what the data path runs on, for logs and status: {@code xdp (native)} or {@code xdp (generic)} */
    String describe() {
        return "xdp (" + mode + ")";
    }

    /** @return the sockets, one per queue */
    List<XdpSocket> sockets() {
        return sockets;
    }

    /** @return the sockets' counters summed */
    PacketSocketStatistics statistics() {
        PacketSocketStatistics sum = PacketSocketStatistics.zero();
        for (XdpSocket socket : sockets) {
            sum = sum.plus(socket.statistics());
        }
        return sum;
    }

    /**
     * @return the counters the status shows: {@code xdp_native} (1 native, 0 generic), the
     *     AF_XDP sockets' frames received and sent, those dropped for a full transmit ring, and
     *     those the kernel could not deliver (full receive ring, empty fill ring)
     */
    Map<String, Long> counters() {
        PacketSocketStatistics s = statistics();
        Map<String, Long> counters = new HashMap<>();
        counters.put("xdp_native", "native".equals(mode) ? 1L : 0L);
        counters.put("xdp_rx_frames", s.rxFrames());
        counters.put("xdp_tx_frames", s.txFrames());
        counters.put("xdp_tx_dropped", s.txDropped());
        counters.put("xdp_kernel_drops", s.kernelDrops());
        return counters;
    }

    /**
     * {@link #refresh}, logging a failure instead of throwing it.
     *
     * @param readHost whether to read the host's addresses again (from a thread of the interface's namespace only)
     */
    void refreshQuietly(boolean readHost) {
        try {
            refresh(readHost);
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("cannot update the XDP program's addresses on {}: {} (said once until it works again)",
                        link.name(), e.getMessage());
            }
        }
    }

    /**
     * Brings the program's address map in line with the services, the NAT real servers and the
     * host's addresses: only what changed is written. The host's addresses are read through the
     * calling thread's network namespace, so only a thread of the interface's namespace may ask
     * for them (at start, at a service update, and the refresher every second: an address the
     * host gains later, such as a VRRP virtual address on the interface, is passed to the
     * kernel within a second).
     *
     * @param readHost whether to read the host's addresses again
     * @throws IOException if the kernel refuses an update
     */
    synchronized void refresh(boolean readHost) throws IOException {
        if (closed) {
            return;
        }
        if (readHost) {
            host = hostAddresses();
        }
        Map<Integer, Integer> wanted = wanted(publication.services(), destinations, host);
        for (Map.Entry<Integer, Integer> e : wanted.entrySet()) {
            if (!e.getValue().equals(installed.get(e.getKey()))) {
                Bpf.update(addressMap, key(e.getKey()), XdpSocket.intKey(e.getValue()));
                installed.put(e.getKey(), e.getValue());
            }
        }
        for (Integer gone : new ArrayList<>(installed.keySet())) {
            if (!wanted.containsKey(gone)) {
                Bpf.delete(addressMap, key(gone));
                installed.remove(gone);
            }
        }
    }

    /**
     * Computes the address map's content.
     *
     * @param services the services
     * @param destinations the real servers
     * @param host the host's own IPv4 addresses
     * @return flags by IPv4 address (big-endian int)
     */
    static Map<Integer, Integer> wanted(ServiceTable services, DestinationTable destinations, List<Integer> host) {
        Map<Integer, Integer> wanted = new HashMap<>();
        for (int address : services.owned4()) {
            wanted.merge(address, XdpProgram.TO_DIRECTOR, (a, b) -> a | b);
        }
        for (int id = 0; id < destinations.size(); id++) {
            ServiceSlot owner = destinations.owner(id);
            if (owner != null && !destinations.ipv6(id) && owner.forwarding().method() == ForwardingMethod.MASQUERADE) {
                wanted.merge(destinations.address(id), XdpProgram.NAT_SERVER, (a, b) -> a | b);
            }
        }
        for (int address : host) {
            wanted.merge(address, XdpProgram.HOST, (a, b) -> a | b);
        }
        return wanted;
    }

    /** @return the map key of an IPv4 address: its bytes in network order */
    static byte[] key(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static List<Integer> hostAddresses() throws SocketException {
        List<Integer> all = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    all.add(ServiceTable.ipv4(address));
                }
            }
        }
        return all;
    }

    /** Detaches the program, closes the sockets (freeing their UMEM) and the maps; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (attachment >= 0) {
            PacketSocketFd.close(attachment);
        }
        sockets.forEach(XdpSocket::close);
        PacketSocketFd.close(program);
        PacketSocketFd.close(socketMap);
        PacketSocketFd.close(addressMap);
        LOG.info("AF_XDP on {}: program detached, {} socket(s) closed", link.name(), sockets.size());
    }
}
