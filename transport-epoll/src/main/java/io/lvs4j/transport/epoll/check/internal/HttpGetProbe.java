package io.lvs4j.transport.epoll.check.internal;

import io.lvs4j.core.check.CheckAttempt;
import io.lvs4j.core.check.CheckResult;
import io.lvs4j.core.check.HttpGetCheck;
import io.lvs4j.core.config.HttpGetCheckConfig;
import io.lvs4j.core.config.HttpProtocolVersion;
import io.lvs4j.core.config.HttpUrl;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * The fetches of an {@link HttpGetCheck}: one connection per URL, in order, each judged by its
 * status and genhash digest; the first failure, or the last success, completes the attempt.
 *
 * <p>Not thread-safe: runs on the attempt's loop.
 */
final class HttpGetProbe {

    private final HttpGetCheckConfig config;
    private final CheckAttempt attempt;
    private final NettyCheckNetwork network;

    HttpGetProbe(HttpGetCheck check, CheckAttempt attempt, NettyCheckNetwork network) {
        this.config = check.config();
        this.attempt = attempt;
        this.network = network;
    }

    void fetch(int index) {
        if (attempt.isDone()) {
            return;
        }
        HttpUrl url = config.urls().get(index);
        InetSocketAddress remote = Endpoints.remote(config.timing(), attempt.target());
        String host = url.virtualhost().or(config::virtualhost).orElse(null);
        String sni = config.enableSni() ? config.sniName().orElse(host) : null;
        HttpExchange exchange = new HttpExchange(outcome -> {
            CheckResult r = judge(url, outcome);
            if (!r.up() || index + 1 == config.urls().size()) {
                attempt.complete(r);
            } else {
                attempt.loop().execute(() -> fetch(index + 1));
            }
        });
        ChannelFuture f = network.tcpBootstrap(attempt).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) throws SSLException {
                if (config.ssl()) {
                    // An IP literal as peer host sends no SNI; a name does.
                    String peer = sni != null ? sni : remote.getAddress().getHostAddress();
                    SslHandler ssl = ClientTls.context().newHandler(ch.alloc(), peer, remote.getPort());
                    ch.pipeline().addLast(ssl);
                }
                ch.pipeline().addLast(exchange.rawTap(), new HttpClientCodec(), exchange.decoded());
            }
        }).connect(remote, Endpoints.local(config.timing()));
        Channel ch = f.channel();
        attempt.whenDone(ch::close);
        f.addListener(done -> {
            if (done.isSuccess()) {
                ch.writeAndFlush(request(url, host, remote));
            } else {
                attempt.complete(CheckResult.failure("connect to " + remote + " failed: " + done.cause()));
            }
        });
    }

    private FullHttpRequest request(HttpUrl url, String host, InetSocketAddress remote) {
        HttpProtocolVersion v = config.httpProtocol();
        FullHttpRequest req = new DefaultFullHttpRequest(
                v == HttpProtocolVersion.HTTP_1_1 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0, HttpMethod.GET,
                url.path());
        req.headers().set(HttpHeaderNames.USER_AGENT, "KeepAliveClient");
        if (v != HttpProtocolVersion.HTTP_1_0) {
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        String name = host;
        if (name == null) {
            String ip = remote.getAddress().getHostAddress();
            name = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        }
        int port = remote.getPort();
        boolean defaultPort = config.ssl() ? port == 443 : port == 80;
        req.headers().set(HttpHeaderNames.HOST, defaultPort ? name : name + ":" + port);
        return req;
    }

    private static CheckResult judge(HttpUrl url, HttpExchange.Outcome o) {
        if (o.error() != null) {
            return CheckResult.failure(url.path() + ": " + o.error());
        }
        if (!url.accepts(o.status())) {
            return CheckResult.failure(url.path() + ": HTTP status " + o.status());
        }
        if (url.digest().isPresent() && !url.digest().get().equals(o.digest())) {
            return CheckResult.failure(url.path() + ": MD5 digest " + o.digest() + " != " + url.digest().get());
        }
        return CheckResult.success();
    }
}
