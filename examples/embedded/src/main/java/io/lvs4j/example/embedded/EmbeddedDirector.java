package io.lvs4j.example.embedded;

import io.lvs4j.core.check.Checker;
import io.lvs4j.core.check.HealthListener;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.model.Forwarding;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.status.LvsMetrics;
import io.lvs4j.transport.epoll.Director;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Java service that runs a load balancer inside its own JVM: a direct-routing director
 * for {@code VIP:80} over two (or more) real servers, round robin, a TCP health check per
 * server, and a VRRP instance whose mastership serves the VIP, all through lvs4j's public
 * builder. It binds lvs4j's Micrometer metrics to its registry, logs the servers' health at the
 * start and the VRRP and health state changes after, and logs the connections served whenever
 * they change, until SIGTERM.
 *
 * <pre>
 * java --enable-native-access=io.lvs4j.transport.epoll,io.netty.common \
 *      --module-path ... --add-modules ALL-MODULE-PATH \
 *      -m io.lvs4j.example.embedded/io.lvs4j.example.embedded.EmbeddedDirector \
 *      --interface eth0 --vip 198.18.0.200 --server 198.18.0.13 --server 198.18.0.14
 * </pre>
 */
public final class EmbeddedDirector {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDirector.class);

    private EmbeddedDirector() {
    }

    /**
     * What the service balances.
     *
     * @param interfaceName the interface facing clients, real servers and the VRRP peer
     * @param vip the virtual address
     * @param port the port of the VIP and of the real servers
     * @param servers the real servers' addresses
     * @param priority the VRRP priority (the highest live one is master)
     */
    public record Settings(String interfaceName, InetAddress vip, int port, List<InetAddress> servers, int priority) {

        /**
         * Reads {@code --interface IF --vip ADDR --server ADDR... [--port N] [--priority N]}.
         *
         * @param args the command line
         * @return the settings
         * @throws IllegalArgumentException for an unknown option or a missing value
         */
        public static Settings parse(String... args) {
            String iface = null;
            InetAddress vip = null;
            int port = 80;
            int priority = 100;
            List<InetAddress> servers = new ArrayList<>();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("no value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--interface" -> iface = value;
                    case "--vip" -> vip = InetAddress.ofLiteral(value);
                    case "--server" -> servers.add(InetAddress.ofLiteral(value));
                    case "--port" -> port = Integer.parseInt(value);
                    case "--priority" -> priority = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (iface == null || vip == null || servers.isEmpty()) {
                throw new IllegalArgumentException("--interface, --vip and at least one --server are required");
            }
            return new Settings(iface, vip, port, List.copyOf(servers), priority);
        }
    }

    /**
     * Builds and starts the director, and binds its metrics.
     *
     * @param settings what to balance
     * @param registry the service's meter registry
     * @return the running director; close it to stop (a master sends its priority-0 advert)
     * @throws IOException if a socket cannot be opened
     */
    public static Director start(Settings settings, MeterRegistry registry) throws IOException {
        VirtualService web = new VirtualService(Protocol.TCP, settings.vip(), settings.port(),
                Schedulers.create("rr", SchedulerOptions.DEFAULTS));
        CheckerTiming timing = CheckerTiming.builder(CheckerType.TCP_CHECK)
                .connectTimeout(Duration.ofSeconds(2)).delayLoop(Duration.ofSeconds(2)).build();
        List<ServerChecks> servers = settings.servers().stream()
                .map(address -> ServerChecks.of(RealServer.of(address, settings.port(), 1),
                        Checker.of(new TcpCheckConfig(timing))))
                .toList();
        VrrpInstanceConfig vrrp = VrrpInstanceConfig.builder("VI_1")
                .interfaceName(settings.interfaceName())
                .virtualRouterId(51)
                .priority(settings.priority())
                .advertInterval(Duration.ofSeconds(1))
                .virtualIpAddress(settings.vip())
                .build();
        Director director = Director.builder()
                .interfaceName(settings.interfaceName())
                .virtualService(web, ServiceChecks.of(servers), Forwarding.directRoute())
                .vrrpInstance(vrrp)
                .vrrpListener((instance, from, to, priority) ->
                        LOG.info("VRRP {}: {} -> {} (priority {})", instance, from, to, priority))
                .build()
                .start();
        VirtualServiceHealth health = director.healthChecks().getFirst();
        health.addListener(new HealthListener() {
            @Override
            public void realServerUp(VirtualService service, RealServer server) {
                LOG.info("real server {} up", server.endpoint());
            }

            @Override
            public void realServerDown(VirtualService service, RealServer server, String reason) {
                LOG.info("real server {} down: {}", server.endpoint(), reason);
            }
        });
        for (ServerChecks server : servers) {
            LOG.info("real server {} {}", server.server().endpoint(), health.isUp(server.server()) ? "up" : "down");
        }
        new LvsMetrics(director).bindTo(registry);
        return director;
    }

    /**
     * Runs the service until SIGTERM.
     *
     * @param args see {@link Settings#parse}
     * @throws Exception if the director cannot start
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        MeterRegistry registry = new SimpleMeterRegistry();
        Director director = start(settings, registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            director.close();
            stopped.countDown();
        }, "embedded-director-stop"));
        LOG.info("balancing {}:{} over {}", settings.vip().getHostAddress(), settings.port(), settings.servers());
        long reported = -1;
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            long served = (long) registry.get("node.ipvs.connections").functionCounter().count();
            if (served != reported) {
                reported = served;
                LOG.info("connections served so far: {}", served);
            }
        }
    }
}
