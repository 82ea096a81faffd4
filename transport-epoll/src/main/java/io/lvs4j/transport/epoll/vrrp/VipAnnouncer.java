package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.transport.epoll.LinkInfo;
import io.lvs4j.transport.epoll.internal.KernelAddresses;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The VRRP router's hold on its instances' virtual addresses while they are master, in one of
 * two ways per address:
 * <ul>
 * <li>in user space (the default): a {@link VipOwner} of the interface answers ARP and
 *     Neighbor Discovery for it, when the router owns addresses itself (a director's data path
 *     does it otherwise);
 * <li>on the kernel interface, as keepalived does (addresses a {@code onKernel} predicate
 *     selects, and {@code virtual_ipaddress_excluded} ones): added through rtnetlink
 *     ({@link KernelAddresses}) on the address's {@code dev} or the instance's interface, so that
 *     the host's own services answer on it, and removed when the instance leaves master or the
 *     router stops; such addresses left by a crash are removed when the router starts.
 * </ul>
 * Either way a new master announces its addresses as keepalived does ({@code garp_master_repeat}
 * gratuitous ARPs or unsolicited neighbour advertisements, {@code vrrp_garp_interval} /
 * {@code vrrp_gna_interval} apart, again after {@code garp_master_delay}, and every
 * {@code garp_master_refresh}), and a master announces them again when it hears a
 * lower-priority advert ({@code garp_lower_prio_repeat}, again after {@code garp_lower_prio_delay}).
 *
 * <p>Not thread-safe: {@link #open} and {@link #close} run in the router's namespace off the
 * loop, the rest on the router's loop.
 */
final class VipAnnouncer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VipAnnouncer.class);

    private final IoEventLoop loop;
    private final boolean ownInUserSpace;
    private final Predicate<InetAddress> onKernel;
    private final Map<String, VipOwner> owners = new LinkedHashMap<>();
    private final Map<String, Integer> ifindexes = new HashMap<>();
    private final Map<String, List<ScheduledFuture<?>>> announcements = new HashMap<>();
    /** Per master instance: one announcement of all its addresses. */
    private final Map<String, Runnable> announcers = new HashMap<>();
    private KernelAddresses kernel;

    /**
     * @param loop the router's loop
     * @param ownInUserSpace whether user-space addresses are answered for here
     * @param onKernel which virtual addresses go on the kernel interface
     */
    VipAnnouncer(IoEventLoop loop, boolean ownInUserSpace, Predicate<InetAddress> onKernel) {
        this.loop = loop;
        this.ownInUserSpace = ownInUserSpace;
        this.onKernel = onKernel;
    }

    /**
     * Opens what an instance needs (calling thread's namespace): the address socket of its
     * interface, and of every interface its kernel addresses go on, and removes its kernel
     * addresses left behind by a crash.
     */
    void open(VrrpInstanceConfig instance) throws IOException {
        List<VirtualIpAddress> onKernelNow = kernelAddresses(instance);
        if (ownInUserSpace || !onKernelNow.isEmpty()) {
            owner(instance.interfaceName());
        }
        if (onKernelNow.isEmpty()) {
            return;
        }
        if (kernel == null) {
            kernel = KernelAddresses.open();
        }
        for (VirtualIpAddress vip : onKernelNow) {
            String dev = device(instance, vip);
            owner(dev);
            if (kernel.remove(ifindex(dev), vip)) {
                LOG.info("VRRP {}: removed leftover address {} from {}", instance.name(),
                        vip.address().getHostAddress(), dev);
            }
        }
    }

    private void owner(String interfaceName) throws IOException {
        if (!owners.containsKey(interfaceName)) {
            owners.put(interfaceName, VipOwner.open(loop, interfaceName));
            ifindexes.put(interfaceName, LinkInfo.of(interfaceName).index());
        }
    }

    private int ifindex(String interfaceName) throws IOException {
        Integer index = ifindexes.get(interfaceName);
        return index != null ? index : LinkInfo.of(interfaceName).index();
    }

    private List<VirtualIpAddress> kernelAddresses(VrrpInstanceConfig instance) {
        List<VirtualIpAddress> all = new ArrayList<>();
        instance.virtualIpAddresses().stream().filter(v -> onKernel.test(v.address())).forEach(all::add);
        instance.virtualIpAddressesExcluded().stream().filter(v -> onKernel.test(v.address())).forEach(all::add);
        return all;
    }

    private static String device(VrrpInstanceConfig instance, VirtualIpAddress vip) {
        return vip.device().orElse(instance.interfaceName());
    }

    /** Takes hold of a new master's addresses and announces them. */
    void takeOver(VrrpInstanceConfig instance) {
        List<Runnable> announce = new ArrayList<>();
        VipOwner own = owners.get(instance.interfaceName());
        if (ownInUserSpace && own != null) {
            List<InetAddress> user = instance.virtualIpAddresses().stream().map(VirtualIpAddress::address)
                    .filter(a -> !onKernel.test(a)).toList();
            int[] v4 = ints(user);
            byte[][] v6 = bytes(user);
            own.own(v4);
            own.own6(v6);
            announce.add(() -> {
                own.announce(v4);
                own.announce6(v6);
            });
        }
        for (VirtualIpAddress vip : kernelAddresses(instance)) {
            String dev = device(instance, vip);
            try {
                kernel.add(ifindex(dev), vip);
            } catch (IOException e) {
                LOG.warn("VRRP {}: cannot add {} to {}: {}", instance.name(), vip.address().getHostAddress(), dev,
                        e.getMessage());
                continue;
            }
            VipOwner sender = owners.get(dev);
            int[] v4 = ints(List.of(vip.address()));
            byte[][] v6 = bytes(List.of(vip.address()));
            announce.add(() -> sender.announceKernel(v4, v6));
        }
        Runnable once = () -> announce.forEach(Runnable::run);
        GarpConfig garp = instance.garp();
        long interval = (ipv6(instance) ? garp.gnaInterval() : garp.interval()).toNanos();
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        burst(once, interval, garp.masterRepeat(), 0, timers);
        long delay = garp.masterDelay().toNanos();
        if (delay > 0) {
            burst(once, interval, garp.masterRepeat(), delay, timers);
        }
        long refresh = garp.masterRefresh().toNanos();
        if (refresh > 0) {
            timers.add(loop.scheduleAtFixedRate(() -> burst(once, interval, garp.masterRefreshRepeat(), 0, null),
                    refresh, refresh, TimeUnit.NANOSECONDS));
        }
        cancel(announcements.put(instance.name(), timers));
        announcers.put(instance.name(), once);
    }

    /**
     * Announces a master's addresses again after it heard a lower-priority advert, as keepalived
     * does: {@code garp_lower_prio_repeat} messages at once, and as many again after
     * {@code garp_lower_prio_delay} (when above 0); nothing if the repeat is 0.
     */
    void lowerPriority(VrrpInstanceConfig instance) {
        Runnable once = announcers.get(instance.name());
        List<ScheduledFuture<?>> timers = announcements.get(instance.name());
        GarpConfig garp = instance.garp();
        if (once == null || timers == null || garp.lowerPrioRepeat() == 0) {
            return;
        }
        long interval = (ipv6(instance) ? garp.gnaInterval() : garp.interval()).toNanos();
        timers.removeIf(java.util.concurrent.Future::isDone);
        burst(once, interval, garp.lowerPrioRepeat(), 0, timers);
        long delay = garp.lowerPrioDelay().toNanos();
        if (delay > 0) {
            burst(once, interval, garp.lowerPrioRepeat(), delay, timers);
        }
    }

    /**
     * Announces the addresses {@code count} times, {@code vrrp_garp_interval} (IPv4) or
     * {@code vrrp_gna_interval} (IPv6) apart.
     */
    private void burst(Runnable once, long interval, int count, long delayNanos, List<ScheduledFuture<?>> timers) {
        for (int i = 0; i < count; i++) {
            long at = delayNanos + interval * i;
            if (at == 0) {
                once.run();
            } else {
                ScheduledFuture<?> t = loop.schedule(once, at, TimeUnit.NANOSECONDS);
                if (timers != null) {
                    timers.add(t);
                }
            }
        }
    }

    /** Stops announcing a former master's addresses and gives them up. */
    void release(VrrpInstanceConfig instance) {
        announcers.remove(instance.name());
        cancel(announcements.remove(instance.name()));
        VipOwner own = owners.get(instance.interfaceName());
        if (ownInUserSpace && own != null) {
            List<InetAddress> user = instance.virtualIpAddresses().stream().map(VirtualIpAddress::address)
                    .filter(a -> !onKernel.test(a)).toList();
            own.disown(ints(user));
            own.disown6(bytes(user));
        }
        for (VirtualIpAddress vip : kernelAddresses(instance)) {
            String dev = device(instance, vip);
            try {
                kernel.remove(ifindex(dev), vip);
            } catch (IOException e) {
                LOG.warn("VRRP {}: cannot remove {} from {}: {}", instance.name(), vip.address().getHostAddress(),
                        dev, e.getMessage());
            }
        }
    }

    /** @return whether an address is held on an interface now: owned in user space there, or on the kernel */
    boolean owns(String interfaceName, InetAddress address) {
        VipOwner owner = owners.get(interfaceName);
        if (owner == null) {
            return false;
        }
        return address instanceof Inet4Address ? owner.owns(ints(List.of(address))[0])
                : owner.owns6(address.getAddress());
    }

    /** @return gratuitous ARPs and unsolicited advertisements sent on an interface */
    long gratuitousSent(String interfaceName) {
        VipOwner owner = owners.get(interfaceName);
        return owner == null ? 0 : owner.gratuitousSent();
    }

    /** Cancels every announcement (on the loop, before {@link #close}). */
    void stop() {
        announcements.values().forEach(VipAnnouncer::cancel);
        announcements.clear();
    }

    @Override
    public void close() {
        owners.values().forEach(VipOwner::close);
        owners.clear();
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }

    private static void cancel(List<ScheduledFuture<?>> timers) {
        if (timers != null) {
            timers.forEach(t -> t.cancel(false));
        }
    }

    private static boolean ipv6(VrrpInstanceConfig instance) {
        return instance.sourceAddress().orElseThrow() instanceof Inet6Address;
    }

    private static byte[][] bytes(List<InetAddress> addresses) {
        return addresses.stream().filter(a -> a instanceof Inet6Address).map(InetAddress::getAddress)
                .toArray(byte[][]::new);
    }

    private static int[] ints(List<InetAddress> addresses) {
        return addresses.stream().filter(a -> a instanceof Inet4Address).mapToInt(a -> {
            byte[] b = a.getAddress();
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }).toArray();
    }
}
