package io.lvs4j.transport.epoll.check;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.DomainWildcardMappingBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A controllable HTTP(S) server for the health-check tests: it can answer, refuse (close its
 * listening socket), hang, answer 500, answer slowly, and change its body.
 */
final class TestHttpServer implements AutoCloseable {

    enum Mode { OK, ERROR_500, HANG, SLOW }

    private final EventLoopGroup group;
    private final InetSocketAddress address;
    private final SslContext tls;
    private final List<String> sniNames = new CopyOnWriteArrayList<>();
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile LongFunction<Mode> plan = n -> Mode.OK;
    private volatile String body = "hello from the test server\n";
    private volatile long slowMillis = 1000;
    private volatile Channel listener;

    TestHttpServer(EventLoopGroup group, String ip, SslContext tls) {
        this.group = group;
        this.tls = tls;
        this.listener = bind(new InetSocketAddress(ip, 0));
        this.address = (InetSocketAddress) listener.localAddress();
    }

    InetSocketAddress address() {
        return address;
    }

    void mode(Mode m) {
        plan = n -> m;
    }

    /** Chooses the behaviour per request number (1, 2, ...). */
    void plan(LongFunction<Mode> p) {
        plan = p;
    }

    void body(String b) {
        body = b;
    }

    String body() {
        return body;
    }

    void slowMillis(long ms) {
        slowMillis = ms;
    }

    long requests() {
        return requests.get();
    }

    List<String> sniNames() {
        return sniNames;
    }

    List<String> hostHeaders() {
        return hostHeaders;
    }

    /** Closes the listening socket: connections are refused. */
    void refuse() {
        listener.close().syncUninterruptibly();
    }

    /** Listens again on the same address. */
    void accept() {
        listener = bind(address);
    }

    private Channel bind(InetSocketAddress at) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(new SniHandler(
                                    new DomainWildcardMappingBuilder<SslContext>(tls).build()) {
                                @Override
                                protected void replaceHandler(ChannelHandlerContext ctx, String hostname,
                                        SslContext sslContext) throws Exception {
                                    sniNames.add(hostname == null ? "" : hostname);
                                    super.replaceHandler(ctx, hostname, sslContext);
                                }
                            });
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        respond(ctx, req);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        // TCP_CHECK closes with a reset: expected, nothing to report.
                                        ctx.close();
                                    }
                                });
                    }
                }).bind(at).syncUninterruptibly().channel();
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest req) {
        hostHeaders.add(String.valueOf(req.headers().get(HttpHeaderNames.HOST)));
        Mode m = plan.apply(requests.incrementAndGet());
        switch (m) {
            case HANG -> { }
            case OK -> send(ctx, HttpResponseStatus.OK);
            case ERROR_500 -> send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            case SLOW -> ctx.executor().schedule(() -> send(ctx, HttpResponseStatus.OK), slowMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void send(ChannelHandlerContext ctx, HttpResponseStatus status) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }
}
