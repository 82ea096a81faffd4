package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.FrameSender;
import io.netty.channel.IoEventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packet sockets of a {@link PacketDirector}: on each of its interfaces ({@link DataLinks}),
 * a {@link PacketSocketGroup} of one socket per loop, the socket of loop {@code i} feeding that
 * loop's {@link DataPath} and sending its frames toward their egress interface. A fanout group is
 * bound to one device, so each interface has its own group, steered by the same program over the
 * same loops: both directions of a NAT connection (the client's frames outside, its server's
 * replies inside) meet on one loop.
 *
 * <p>When the services include IPv4 fwmark services, the director's interface also has a group
 * of marked sockets ({@link PacketSocket#openMarked}), one per loop, feeding the same paths:
 * its fanout keys on the client's IPv4 address (or the flow hash, as the main group does), which
 * the main group's client-address program folds the same way, so a NAT connection's marked
 * frames and its replies meet on one loop. Their filter follows the marks a reload publishes
 * ({@link #followMarks}); a director started without them cannot take fwmark services later.
 *
 * <p>Threading: opened and closed by the control plane; the handlers run on the loops.
 */
final class DataSockets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataSockets.class);

    /** Offset of the marked sockets' fanout group id from the main group's. */
    private static final int MARKED_GROUP = 0x8000;

    private final List<PacketSocketGroup> groups;
    /** The marked sockets of the director's interface, or null without fwmark services. */
    private final PacketSocketGroup marked;

    private DataSockets(List<PacketSocketGroup> groups, PacketSocketGroup marked) {
        this.groups = groups;
        this.marked = marked;
    }

    /**
     * Reads the interfaces of a director: its own, then the server interfaces with their
     * connected subnets; one interface alone without any.
     *
     * @param settings the director's settings
     * @param link the director's interface
     * @param directorIp its own IPv4 address there, 0 if none
     * @return the links
     * @throws IOException if an interface cannot be read
     */
    static DataLinks links(PacketDirectorBuilder settings, LinkInfo link, int directorIp) throws IOException {
        if (settings.serverInterfaces.isEmpty()) {
            return DataLinks.single(link, directorIp);
        }
        List<LinkInfo> all = new ArrayList<>(List.of(link));
        List<List<DataLinks.Subnet>> subnets = new ArrayList<>(List.of(DataLinks.connected(link.name())));
        int[] own = new int[settings.serverInterfaces.size() + 1];
        own[0] = directorIp;
        for (Map.Entry<String, InetAddress> e : settings.serverInterfaces.entrySet()) {
            own[all.size()] = ServiceTable.ipv4(e.getValue());
            all.add(LinkInfo.of(e.getKey()));
            subnets.add(DataLinks.connected(e.getKey()));
        }
        return new DataLinks(all, own, subnets);
    }

    /**
     * Makes the senders of each loop on each interface, bound to their sockets as
     * {@link #open} opens them (a frame a path builds before then is not sent): the paths exist
     * before any socket receives.
     *
     * @param loops the number of loops
     * @param interfaces the number of interfaces
     * @return the senders, by loop then interface slot
     */
    static FrameSender[][] senders(int loops, int interfaces) {
        FrameSender[][] senders = new FrameSender[loops][interfaces];
        for (FrameSender[] loop : senders) {
            for (int slot = 0; slot < interfaces; slot++) {
                loop[slot] = new LateSender();
            }
        }
        return senders;
    }

    /**
     * Opens a socket group on every interface and feeds the paths.
     *
     * @param loops the event loops, in the order of the paths
     * @param links the interfaces
     * @param steer the fanout steering, given the first socket of each group
     * @param services the services, for the steering's program
     * @param paths one path per loop, in loop order
     * @param senders what {@link #senders} made for them
     * @return the sockets, receiving
     * @throws IOException if a socket cannot be opened (those opened are closed)
     */
    static DataSockets open(IoEventLoopGroup loops, DataLinks links, FanoutSteering steer, ServiceTable services,
            List<DataPath> paths, FrameSender[][] senders) throws IOException {
        List<PacketSocketGroup> groups = new ArrayList<>();
        List<PacketSocket> first = new ArrayList<>();
        PacketSocketGroup marked = null;
        try {
            for (int slot = 0; slot < links.size(); slot++) {
                List<PacketSocket> opened = slot == 0 ? first : new ArrayList<>();
                int s = slot;
                PacketSocketOptions options = slot == 0 ? steer.options()
                        : steer.options().onInterface(links.link(slot).name(), slot);
                groups.add(PacketSocketGroup.open(loops, options,
                        socket -> handler(socket, opened, paths, links, (LateSender) senders[opened.size()][s], s)));
                steer.attach(opened.get(0), services);
                for (int i = 0; i < opened.size(); i++) {
                    if (opened.get(i).loop() != first.get(i).loop()) {
                        throw new IllegalStateException("the sockets of " + links.link(slot).name()
                                + " are not on their paths' loops");
                    }
                }
            }
            int[] marks = services.marks4();
            if (marks.length > 0) {
                List<PacketSocket> opened = new ArrayList<>();
                marked = PacketSocketGroup.openMarked(loops, markedOptions(steer.options()), marks,
                        socket -> handler(socket, opened, paths, links, null, 0));
                for (int i = 0; i < opened.size(); i++) {
                    if (opened.get(i).loop() != first.get(i).loop()) {
                        throw new IllegalStateException("the marked sockets are not on their paths' loops");
                    }
                }
                steer.markedSockets();
                LOG.info("fwmark services: marked IPv4 packet sockets on {} keep marks {}", links.link(0).name(),
                        java.util.Arrays.toString(marks));
            }
        } catch (IOException | RuntimeException e) {
            groups.forEach(PacketSocketGroup::close);
            if (marked != null) {
                marked.close();
            }
            throw e;
        }
        for (int slot = 1; slot < links.size(); slot++) {
            LOG.info("data path also on {} ({}), toward the real servers of its connected subnets",
                    links.link(slot).name(), links.link(slot).macString());
        }
        return new DataSockets(groups, marked);
    }

    /**
     * The options of the marked sockets: the main group's, in a group of their own, steering by
     * the flow hash if the main group does, else by the IPv4 source (every marked frame comes
     * from a client, and the client-address program keys a client's frames the same way).
     */
    static PacketSocketOptions markedOptions(PacketSocketOptions main) {
        return main.withFanoutGroupId((main.fanoutGroupId() + MARKED_GROUP) & 0xFFFF)
                .withFanout(main.fanout() == PacketSocketOptions.Fanout.FLOW_HASH ? PacketSocketOptions.Fanout.FLOW_HASH
                        : PacketSocketOptions.Fanout.IPV4_SOURCE)
                .withReceiveRing(null);
    }

    /**
     * Makes the marked sockets keep the marks of new services (a reload's), if they changed; a
     * filter the kernel refuses is logged and the old one kept.
     *
     * @param current the services published now
     * @param next the services about to be
     */
    void followMarks(ServiceTable current, ServiceTable next) {
        if (marked == null || java.util.Arrays.equals(current.marks4(), next.marks4())) {
            return;
        }
        try {
            for (PacketSocket socket : marked.sockets()) {
                socket.marks(next.marks4());
            }
            LOG.info("marked packet sockets now keep marks {}", java.util.Arrays.toString(next.marks4()));
        } catch (IOException e) {
            LOG.warn("cannot give the marked sockets the new fwmark services' marks: {}", e.getMessage());
        }
    }

    /** The handler of one socket: the frames of its loop's path, sent on toward their egress. */
    private static FrameHandler handler(PacketSocket socket, List<PacketSocket> opened, List<DataPath> paths,
            DataLinks links, LateSender sender, int slot) {
        DataPath path = paths.get(opened.size());
        opened.add(socket);
        if (sender != null) {
            sender.socket = socket;
        }
        return new PathHandler(path, links, slot);
    }

    /** @return the sockets of the director's interface, one per loop in loop order */
    List<PacketSocket> primary() {
        return groups.getFirst().sockets();
    }

    /** @return the counters of every socket on every interface, summed */
    PacketSocketStatistics statistics() {
        PacketSocketStatistics sum = PacketSocketStatistics.zero();
        for (PacketSocketGroup g : groups) {
            sum = sum.plus(g.statistics());
        }
        return marked == null ? sum : sum.plus(marked.statistics());
    }

    /** Closes every socket. */
    @Override
    public void close() {
        groups.forEach(PacketSocketGroup::close);
        if (marked != null) {
            marked.close();
        }
    }

    /** Sends through a loop's socket on one interface once it is open. Its loop only. */
    private static final class LateSender implements FrameSender {
        private PacketSocket socket;

        @Override
        public boolean send(MemorySegment frame, long offset, int length) {
            PacketSocket s = socket;
            return s != null && s.send(frame, offset, length);
        }
    }
}
