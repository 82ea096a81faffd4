package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.ClientTls;
import io.lvs4j.core.check.internal.Endpoints;
import io.lvs4j.core.check.internal.HttpExchange;
import io.lvs4j.core.config.CheckerTiming;
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
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * keepalived's {@code HTTP_GET} and {@code SSL_GET}: each URL is fetched on its own connection
 * and must answer with an accepted status code and, if a digest is given, a body whose MD5 is
 * the digest keepalived's {@code genhash} prints (the raw bytes after the header, up to
 * {@code Content-Length}; chunk framing is digested as sent, as keepalived does). All URLs
 * must pass.
 *
 * <p>The request is keepalived's: {@code GET path HTTP/1.x}, {@code User-Agent: KeepAliveClient},
 * {@code Connection: close} for HTTP/1.1 and "1.0C", and {@code Host} set to the virtual host
 * (or the address) with the port unless it is the scheme's default. With TLS and
 * {@code enable_sni}, the SNI name is {@code sni_name}, else the virtual host; the certificate
 * is not verified (keepalived without {@code ca}).
 *
 * @param config the checker block: urls, protocol, virtualhost, SNI, connection options, timing
 */
public record HttpGetCheck(HttpGetCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public HttpGetCheck {
        Objects.requireNonNull(config, "config");
    }

    /** Each URL gets the connect timeout, as each is a connection of its own in keepalived. */
    @Override
    public Duration timeout(CheckerTiming timing) {
        return timing.connectTimeout().multipliedBy(config.urls().size());
    }

    @Override
    public void check(CheckAttempt attempt) {
        fetch(attempt, 0);
    }

    @Override
    public String name() {
        return config.ssl() ? "SSL_GET" : "HTTP_GET";
    }

    private void fetch(CheckAttempt attempt, int index) {
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
                attempt.eventLoop().execute(() -> fetch(attempt, index + 1));
            }
        });
        ChannelFuture f = attempt.tcpBootstrap().handler(new ChannelInitializer<Channel>() {
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
