package io.lvs4j.benchmarks;

import io.lvs4j.core.check.Checker;
import io.lvs4j.core.check.ServerChecks;
import io.lvs4j.core.check.ServiceChecks;
import io.lvs4j.core.check.VirtualServiceHealth;
import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.CheckerType;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.lvs4j.core.config.TcpCheckConfig;
import io.lvs4j.core.model.Protocol;
import io.lvs4j.core.model.RealServer;
import io.lvs4j.core.model.VirtualService;
import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.FlowKey;
import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.transport.epoll.check.EpollHealthCheckEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scale run of the health checks (not a JMH benchmark, not a test): N checkers at
 * {@code delay_loop} 1 s (half TCP_CHECK, half HTTP_GET) against Netty servers on loopback, for a
 * while; then prints whether they kept their schedule (attempts per checker against the ideal,
 * worst lateness of a start), CPU time of the check loops and of the whole process, and the
 * number of threads.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.lvs4j.benchmarks.HealthCheckScale [checks] [seconds] [loops]}
 */
public final class HealthCheckScale {

    private HealthCheckScale() {
    }

    /**
     * @param args number of checks (2000), seconds to run (30), check loops (1)
     * @throws Exception if a server cannot start
     */
    public static void main(String[] args) throws Exception {
        int checks = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int loops = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();

        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<Channel> servers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            servers.add(httpServer(serverGroup, "127.0.9." + (i + 1)));
        }
        EpollHealthCheckEngine engine = EpollHealthCheckEngine.create(loops);
        CheckerTiming timing = CheckerTiming.builder(CheckerType.TCP_CHECK).delayLoop(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(1)).retry(1).delayBeforeRetry(Duration.ofSeconds(1))
                .warmup(Duration.ofSeconds(1)).build();
        int perService = 100;
        List<VirtualServiceHealth> healths = new ArrayList<>();
        List<List<RealServer>> members = new ArrayList<>();
        for (int base = 0; base < checks; base += perService) {
            List<ServerChecks> list = new ArrayList<>();
            List<RealServer> rs = new ArrayList<>();
            for (int i = base; i < Math.min(checks, base + perService); i++) {
                InetSocketAddress target = (InetSocketAddress) servers.get(i % servers.size()).localAddress();
                RealServer server = RealServer.of(target.getAddress(), 20_000 + i, 1);
                CheckerTiming t = withConnectTo(timing, target);
                Checker c = i % 2 == 0
                        ? Checker.of(new TcpCheckConfig(t))
                        : Checker.of(HttpGetCheckConfig.httpGet().timing(t).url(HttpUrl.of("/"))
                                .httpProtocol(HttpProtocolVersion.HTTP_1_1).build());
                list.add(ServerChecks.of(server, c));
                rs.add(server);
            }
            VirtualService vs = new VirtualService(Protocol.TCP, InetAddress.getByName("198.18.0." + (healths.size() + 1)),
                    80, new Noop());
            VirtualServiceHealth h = new VirtualServiceHealth(vs, engine, ServiceChecks.of(list));
            healths.add(h);
            members.add(rs);
        }
        healths.forEach(VirtualServiceHealth::start);
        // Settle: warmup spreads the first attempts over 1 s; classes load and the JIT warms up.
        Thread.sleep(5000);
        long startupLate = 0;
        long[] before = new long[checks];
        int j = 0;
        for (int s = 0; s < healths.size(); s++) {
            startupLate = Math.max(startupLate, healths.get(s).takeMaxLateNanos());
            for (RealServer r : members.get(s)) {
                before[j++] = healths.get(s).attempts(r);
            }
        }
        long cpu0 = processCpuNanos();
        long loopCpu0 = loopCpuNanos(threads);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long elapsed = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        long loopCpu = loopCpuNanos(threads) - loopCpu0;
        int threadCount = threads.getThreadCount();

        long[] attempts = new long[checks];
        long up = 0;
        long late = 0;
        int k = 0;
        for (int s = 0; s < healths.size(); s++) {
            for (RealServer r : members.get(s)) {
                attempts[k] = healths.get(s).attempts(r) - before[k];
                k++;
                up += healths.get(s).isUp(r) ? 1 : 0;
            }
            late = Math.max(late, healths.get(s).takeMaxLateNanos());
        }
        Arrays.sort(attempts);
        double secs = elapsed / 1e9;
        System.out.printf("transport          %s, %d check loop(s)%n", engine.epoll() ? "epoll" : "NIO", loops);
        System.out.printf("checks             %d (half TCP_CHECK, half HTTP_GET), delay_loop 1 s, measured %.1f s after 5 s settling%n",
                checks, secs);
        System.out.printf("attempts/checker   min %d, median %d, max %d (ideal: at most %.0f, one per delay_loop + attempt time)%n",
                attempts[0], attempts[checks / 2], attempts[checks - 1], Math.ceil(secs));
        System.out.printf("servers up         %d of %d%n", up, checks);
        System.out.printf("worst start delay  %.1f ms after its due time (startup, first 5 s: %.1f ms)%n", late / 1e6,
                startupLate / 1e6);
        System.out.printf("check loop CPU     %.2f s (%.1f%% of one core)%n", loopCpu / 1e9, 100.0 * loopCpu / elapsed);
        System.out.printf("process CPU        %.2f s (%.1f%% of one core; includes the 20 loopback servers and JIT)%n",
                cpu / 1e9, 100.0 * cpu / elapsed);
        System.out.printf("threads            %d (before: %d)%n", threadCount, threadsBefore);

        healths.forEach(VirtualServiceHealth::close);
        engine.close();
        servers.forEach(Channel::close);
        serverGroup.shutdownGracefully();
    }

    private static CheckerTiming withConnectTo(CheckerTiming t, InetSocketAddress a) {
        return new CheckerTiming(Optional.of(a.getAddress()), a.getPort(), t.bindTo(), t.bindPort(), t.connectTimeout(),
                t.retry(), t.delayBeforeRetry(), t.delayLoop(), t.warmup(), t.alpha(), t.rise(), t.fall());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long loopCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("lvs4j-check")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static Channel httpServer(EventLoopGroup group, String ip) {
        byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                Unpooled.wrappedBuffer(body));
                                        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                }).bind(new InetSocketAddress(ip, 0)).syncUninterruptibly().channel();
    }

    /** A scheduler that picks nothing: the run measures the checks, not scheduling. */
    private static final class Noop implements Scheduler {
        @Override
        public String name() {
            return "noop";
        }

        @Override
        public void update(DestinationSet destinations) {
        }

        @Override
        public Destination pick(FlowKey flow) {
            return null;
        }
    }
}
