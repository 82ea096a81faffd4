package io.lvs4j.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lvs4j.core.conn.ConnectionEntry;
import io.lvs4j.core.status.AnnouncementStatus;
import io.lvs4j.core.status.DirectorStatus;
import io.lvs4j.core.status.IpvsadmFormat;
import io.lvs4j.core.status.LvsMetrics;
import io.lvs4j.core.status.RateEstimation;
import io.lvs4j.core.status.StatusSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample director's admin endpoint: HTTP on a loopback address, served by Netty.
 *
 * <ul>
 *   <li>{@code GET /status}: JSON of {@link DirectorStatus} (services, servers, counters, rates,
 *       drops, VRRP), rates estimated as IPVS does ({@link RateEstimation}).</li>
 *   <li>{@code GET /connections}: JSON list of {@link ConnectionEntry} ({@code ipvsadm -Lnc}).</li>
 *   <li>{@code GET /metrics}: Prometheus text from Micrometer, through {@link LvsMetrics}.</li>
 *   <li>{@code POST /drain}, {@code POST /undrain}: withdraw the director's BGP announcement while
 *       it serves on, or announce again; answered with the announcement as {@code ./lvs4j status}
 *       prints it (404 if the director announces nothing).</li>
 * </ul>
 * It reads the director only through a {@link StatusSource}. Rates are sampled every second on
 * the admin loop (a sample is taken when two seconds have passed). Close it to stop.
 */
public final class AdminServer implements AutoCloseable {

    /** The port {@code ./lvs4j status} asks by default. */
    public static final int DEFAULT_PORT = 9180;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final long CONNECTIONS_TIMEOUT_SECONDS = 5;

    private final RateEstimation estimation;
    private final LongSupplier nanoClock;
    private final LvsMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final EventLoopGroup group;
    private final Channel channel;
    private final ScheduledFuture<?> sampler;
    private volatile Drain drain;

    /** Drains a director or ends its drain, as {@code Director.drain} does. */
    @FunctionalInterface
    public interface Drain {
        /**
         * Drains or ends the drain.
         *
         * @param on true to drain
         * @return the announcement once the BGP daemon has been told
         */
        CompletionStage<AnnouncementStatus> drain(boolean on);
    }

    private AdminServer(StatusSource source, LongSupplier nanoClock, InetSocketAddress bind)
            throws InterruptedException {
        if (!bind.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the admin endpoint listens on loopback only, not " + bind);
        }
        this.estimation = new RateEstimation(source);
        this.nanoClock = nanoClock;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new LvsMetrics(estimation);
        metrics.bindTo(registry);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            this.channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new Handler());
                        }
                    })
                    .bind(bind).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        estimation.sample(nanoClock.getAsLong());
        this.sampler = group.next().scheduleAtFixedRate(this::sampleRates, 1, 1, TimeUnit.SECONDS);
        LOG.info("admin endpoint on http://{}", IpvsadmFormat.endpoint(address().getAddress(), address().getPort()));
    }

    /**
     * Starts an admin endpoint on its own event loop.
     *
     * @param source the director's status
     * @param bind a loopback address and port (port 0: any free port)
     * @return the running endpoint
     * @throws InterruptedException if interrupted while binding
     * @throws IllegalArgumentException if the address is not a loopback address
     */
    public static AdminServer start(StatusSource source, InetSocketAddress bind) throws InterruptedException {
        return start(source, System::nanoTime, bind);
    }

    /**
     * Starts an admin endpoint whose rate estimates follow the given clock.
     *
     * @param source the director's status
     * @param nanoClock a monotonic clock in nanoseconds
     * @param bind a loopback address and port (port 0: any free port)
     * @return the running endpoint
     * @throws InterruptedException if interrupted while binding
     */
    public static AdminServer start(StatusSource source, LongSupplier nanoClock, InetSocketAddress bind)
            throws InterruptedException {
        return new AdminServer(source, nanoClock, bind);
    }

    /**
     * Lets {@code POST /drain} and {@code POST /undrain} drain the director.
     *
     * @param value what drains the director
     * @return this endpoint
     */
    public AdminServer drain(Drain value) {
        this.drain = value;
        return this;
    }

    /** @return the address and port the endpoint listens on */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Samples the rates now if two seconds have passed on the clock since the last sample
     * (the endpoint also does so every second by itself).
     *
     * @return true if a sample was taken
     */
    public boolean sampleRates() {
        return estimation.sample(nanoClock.getAsLong());
    }

    @Override
    public void close() {
        sampler.cancel(false);
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        registry.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws JsonProcessingException {
            String path = new QueryStringDecoder(request.uri()).path();
            if (HttpMethod.POST.equals(request.method()) && (path.equals("/drain") || path.equals("/undrain"))) {
                drain(ctx, path.equals("/drain"));
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            switch (path) {
                case "/status" -> respond(ctx, HttpResponseStatus.OK, "application/json",
                        AdminJson.mapper().writeValueAsString(DirectorStatus.of(estimation)));
                case "/metrics" -> {
                    metrics.refresh();
                    respond(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            registry.scrape());
                }
                case "/connections" -> estimation.connections().toCompletableFuture()
                        .orTimeout(CONNECTIONS_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .whenComplete((entries, failure) -> connections(ctx, entries, failure));
                default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "not found; try /status, /connections or /metrics\n");
            }
        }

        private void drain(ChannelHandlerContext ctx, boolean on) {
            Drain d = drain;
            if (d == null || estimation.announcement() == null) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "this director announces nothing over BGP (no bgp_announce)\n");
                return;
            }
            d.drain(on).toCompletableFuture().orTimeout(CONNECTIONS_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .whenComplete((status, failure) -> {
                        if (failure != null) {
                            respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                                    "drain failed: " + failure + "\n");
                        } else {
                            respond(ctx, HttpResponseStatus.OK, "text/plain; charset=utf-8", status.text());
                        }
                    });
        }

        private void connections(ChannelHandlerContext ctx, List<ConnectionEntry> entries, Throwable failure) {
            if (failure != null) {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                        "connection listing failed: " + failure + "\n");
                return;
            }
            try {
                respond(ctx, HttpResponseStatus.OK, "application/json",
                        AdminJson.mapper().writeValueAsString(entries));
            } catch (JsonProcessingException e) {
                respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", e + "\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("admin request failed", cause);
            ctx.close();
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
