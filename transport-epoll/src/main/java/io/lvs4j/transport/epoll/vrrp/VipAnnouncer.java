package io.lvs4j.transport.epoll.vrrp;

import io.lvs4j.core.config.GarpConfig;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;

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

/**
 * The VRRP router's hold on its instances' virtual addresses when it owns them in user space:
 * one {@link VipOwner} per interface; an instance that becomes master owns its addresses there
 * and announces them as keepalived does ({@code garp_master_repeat} gratuitous ARPs or
 * unsolicited neighbour advertisements, {@code vrrp_garp_interval} / {@code vrrp_gna_interval}
 * apart, again after {@code garp_master_delay}, and every {@code garp_master_refresh}); one that
 * leaves master stops announcing and gives them up.
 *
 * <p>Not thread-safe: every method but {@link #open} and {@link #close} runs on the router's loop.
 */
final class VipAnnouncer implements AutoCloseable {

    private final IoEventLoop loop;
    private final Map<String, VipOwner> owners = new LinkedHashMap<>();
    private final Map<String, List<ScheduledFuture<?>>> announcements = new HashMap<>();

    VipAnnouncer(IoEventLoop loop) {
        this.loop = loop;
    }

    /** Opens the address socket of an interface, once (calling thread's namespace). */
    void open(String interfaceName) throws IOException {
        if (!owners.containsKey(interfaceName)) {
            owners.put(interfaceName, VipOwner.open(loop, interfaceName));
        }
    }

    /** Owns and announces a new master's addresses on its interface. */
    void takeOver(VrrpInstanceConfig instance) {
        VipOwner owner = owners.get(instance.interfaceName());
        if (owner == null) {
            return;
        }
        GarpConfig garp = instance.garp();
        Runnable once;
        long interval;
        if (ipv6(instance)) {
            byte[][] vips = bytes(addresses(instance));
            owner.own6(vips);
            once = () -> owner.announce6(vips);
            interval = garp.gnaInterval().toNanos();
        } else {
            int[] vips = ints(addresses(instance));
            owner.own(vips);
            once = () -> owner.announce(vips);
            interval = garp.interval().toNanos();
        }
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
        cancel(announcements.remove(instance.name()));
        VipOwner owner = owners.get(instance.interfaceName());
        if (owner != null && ipv6(instance)) {
            owner.disown6(bytes(addresses(instance)));
        } else if (owner != null) {
            owner.disown(ints(addresses(instance)));
        }
    }

    /** @return whether an address is owned on an interface now */
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
    }

    private static void cancel(List<ScheduledFuture<?>> timers) {
        if (timers != null) {
            timers.forEach(t -> t.cancel(false));
        }
    }

    private static boolean ipv6(VrrpInstanceConfig instance) {
        return instance.sourceAddress().orElseThrow() instanceof Inet6Address;
    }

    private static List<InetAddress> addresses(VrrpInstanceConfig instance) {
        return instance.virtualIpAddresses().stream().map(VirtualIpAddress::address).toList();
    }

    private static byte[][] bytes(List<InetAddress> addresses) {
        byte[][] out = new byte[addresses.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = addresses.get(i).getAddress();
        }
        return out;
    }

    private static int[] ints(List<InetAddress> addresses) {
        int[] out = new int[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            byte[] b = addresses.get(i).getAddress();
            out[i] = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }
        return out;
    }
}
