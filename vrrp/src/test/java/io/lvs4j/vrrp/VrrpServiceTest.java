package io.lvs4j.vrrp;

import java.time.Duration;
import io.lvs4j.core.config.VirtualIpAddress;
import io.lvs4j.core.config.VrrpInstanceConfig;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.lvs4j.vrrp.SimNetwork.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A floating IP held by a service on its own thread and the system clock. */
class VrrpServiceTest {

    @Test
    void shouldHoldFloatingIpAloneAndYieldToHigherPriority() throws Exception {
        List<String> io = new CopyOnWriteArrayList<>();
        CountDownLatch master = new CountDownLatch(1);
        CountDownLatch backup = new CountDownLatch(1);
        VrrpPort port = new VrrpPort() {
            @Override
            public void sendAdvert(VrrpInstanceConfig instance, Advertisement advert) {
                io.add("advert " + advert.priority());
            }

            @Override
            public void takeOver(VrrpInstanceConfig instance) {
                io.add("take");
            }

            @Override
            public void release(VrrpInstanceConfig instance) {
                io.add("release");
            }
        };
        VrrpInstanceConfig config = VrrpInstanceConfig.builder("VIP").interfaceName("eth0").version(3)
                .virtualRouterId(40).priority(100).advertInterval(Duration.ofMillis(100))
                .sourceAddress(ip("198.18.0.11"))
                .virtualIpAddress(ip("198.18.0.10")).build();
        VrrpNode.Builder builder = VrrpNode.builder(port).instance(config).listener((name, from, to, prio) -> {
            if (to == VrrpState.MASTER) {
                master.countDown();
            } else if (to == VrrpState.BACKUP && from == VrrpState.MASTER) {
                backup.countDown();
            }
        });
        try (VrrpService service = new VrrpService(builder)) {
            long started = System.nanoTime();
            service.start();
            assertTrue(master.await(10, TimeUnit.SECONDS), "alone, it becomes master");
            assertTrue(System.nanoTime() - started >= 360_000_000L, "not before the master-down interval");
            assertEquals(VrrpState.MASTER, service.state("VIP"));

            Advertisement better = new Advertisement(VrrpVersion.V3, 40, 200, 10,
                    config.virtualIpAddresses().stream().map(VirtualIpAddress::address).toList(), null);
            byte[] packet = new byte[20 + better.length()];
            VrrpEncoder.encodeIpv4Packet(better, MemorySegment.ofArray(packet), 0,
                    (Inet4Address) ip("198.18.0.12"), (Inet4Address) ip("224.0.0.18"), 1);
            service.receiveIpv4("eth0", packet);
            assertTrue(backup.await(10, TimeUnit.SECONDS), "a higher-priority advert takes it to backup");
            assertEquals(VrrpState.BACKUP, service.state("VIP"));
        }
        assertEquals("take", io.get(1));
        assertEquals("release", io.getLast());
    }
}
