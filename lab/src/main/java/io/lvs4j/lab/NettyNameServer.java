package io.lvs4j.lab;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * A small Netty HTTP/1.1 server that answers every request with its own name and a newline
 * (keep-alive honoured), for hosts without nginx. Its listening socket is created in a lab
 * namespace. Thread-safe.
 */
public final class NettyNameServer implements NamedHttpServer {

    private final String name;
    private final int port;
    private final EventLoopGroup group;
    private final Channel channel;

    private NettyNameServer(String name, int port, EventLoopGroup group, Channel channel) {
        this.name = name;
        this.port = port;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Starts the server listening on every address of a namespace.
     *
     * @param netns the namespace
     * @param name the name to answer with
     * @param port the port
     * @return the running server
     * @throws Exception if it cannot bind
     */
    public static NettyNameServer start(Netns netns, String name, int port) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        byte[] body = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new NameHandler(body));
                        }
                    });
            // The channel (and its socket) is created on the calling thread: inside the namespace.
            Channel channel = netns.call(() -> bootstrap.bind(port).sync().channel());
            return new NettyNameServer(name, port, group, channel);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String kind() {
        return "netty";
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class NameHandler extends SimpleChannelInboundHandler<HttpRequest> {
        private final byte[] body;

        NameHandler(byte[] body) {
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
            ByteBuf content = Unpooled.wrappedBuffer(body);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
