package io.lvs4j.core.check;

import io.lvs4j.core.check.internal.ClientTls;
import io.lvs4j.core.check.internal.HttpExchange;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * keepalived's {@code HTTP_GET} and {@code SSL_GET}: each URL is fetched on its own connection
 * and must answer with an expected status code and, if a digest is given, a body whose MD5 is
 * the digest keepalived's {@code genhash} prints. All URLs must pass.
 *
 * <p>The request is keepalived's: {@code GET path HTTP/1.x}, {@code User-Agent: KeepAliveClient},
 * {@code Connection: close} for HTTP/1.1, and {@code Host} set to the virtual host (or the
 * address) with the port unless it is the scheme's default. With TLS, the virtual host is sent
 * as SNI; the certificate is not verified (keepalived without {@code ca}).
 *
 * @param urls the URLs to fetch, at least one
 * @param tls true for {@code SSL_GET}
 * @param http11 true for HTTP/1.1 (keepalived's default), false for HTTP/1.0
 * @param virtualHost the {@code Host} header and SNI name, or null for the address
 * @param connectTo {@code connect_ip}/{@code connect_port}, or null for the real server itself
 * @param bindTo {@code bindto}/{@code bind_port}, or null for any local address
 */
public record HttpGetCheck(List<Url> urls, boolean tls, boolean http11, String virtualHost,
        InetSocketAddress connectTo, InetSocketAddress bindTo) implements HealthCheck {

    /**
     * One {@code url} block.
     *
     * @param path the path, such as {@code /health}
     * @param statusCodes the accepted status codes; empty means 200 to 299 as in keepalived
     * @param digest the expected MD5 of the body in hex, or null not to check it
     * @param virtualHost this URL's virtual host, or null for the checker's
     */
    public record Url(String path, Set<Integer> statusCodes, String digest, String virtualHost) {

        /**
         * Checks and normalises the values.
         *
         * @throws IllegalArgumentException if the path does not start with {@code /} or the
         *     digest is not 32 hex digits
         */
        public Url {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with /: " + path);
            }
            statusCodes = Set.copyOf(statusCodes);
            if (digest != null) {
                digest = digest.toLowerCase(Locale.ROOT);
                if (!digest.matches("[0-9a-f]{32}")) {
                    throw new IllegalArgumentException("digest must be 32 hex digits: " + digest);
                }
            }
        }

        /**
         * @param path the path
         * @return a URL that accepts any 2xx and does not check the body
         */
        public static Url of(String path) {
            return new Url(path, Set.of(), null, null);
        }

        boolean accepts(int status) {
            return statusCodes.isEmpty() ? status >= 200 && status <= 299 : statusCodes.contains(status);
        }
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if there is no URL
     */
    public HttpGetCheck {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("HTTP_GET needs at least one url");
        }
    }

    /**
     * @param path the path
     * @return a plain HTTP/1.1 check of one path against the real server, any 2xx accepted
     */
    public static HttpGetCheck of(String path) {
        return new HttpGetCheck(List.of(Url.of(path)), false, true, null, null, null);
    }

    /** Each URL gets the connect timeout, as each is a connection of its own in keepalived. */
    @Override
    public Duration timeout(CheckTiming timing) {
        return timing.connectTimeout().multipliedBy(urls.size());
    }

    @Override
    public void check(CheckAttempt attempt) {
        fetch(attempt, 0);
    }

    @Override
    public String name() {
        return tls ? "SSL_GET" : "HTTP_GET";
    }

    private void fetch(CheckAttempt attempt, int index) {
        if (attempt.isDone()) {
            return;
        }
        Url url = urls.get(index);
        InetSocketAddress remote = connectTo != null ? connectTo : attempt.target();
        String host = url.virtualHost != null ? url.virtualHost : virtualHost;
        HttpExchange exchange = new HttpExchange(outcome -> {
            CheckResult r = judge(url, outcome);
            if (!r.up() || index + 1 == urls.size()) {
                attempt.complete(r);
            } else {
                attempt.eventLoop().execute(() -> fetch(attempt, index + 1));
            }
        });
        ChannelFuture f = attempt.tcpBootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) throws SSLException {
                if (tls) {
                    String peer = host != null ? host : remote.getAddress().getHostAddress();
                    SslHandler ssl = ClientTls.context().newHandler(ch.alloc(), peer, remote.getPort());
                    ch.pipeline().addLast(ssl);
                }
                ch.pipeline().addLast(exchange.rawTap(), new HttpClientCodec(), exchange.decoded());
            }
        }).connect(remote, bindTo);
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

    private FullHttpRequest request(Url url, String host, InetSocketAddress remote) {
        FullHttpRequest req = new DefaultFullHttpRequest(http11 ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                HttpMethod.GET, url.path);
        req.headers().set(HttpHeaderNames.USER_AGENT, "KeepAliveClient");
        if (http11) {
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        String name = host;
        if (name == null) {
            String ip = remote.getAddress().getHostAddress();
            name = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        }
        int port = remote.getPort();
        boolean defaultPort = tls ? port == 443 : port == 80;
        req.headers().set(HttpHeaderNames.HOST, defaultPort ? name : name + ":" + port);
        return req;
    }

    private static CheckResult judge(Url url, HttpExchange.Outcome o) {
        if (o.error() != null) {
            return CheckResult.failure(url.path + ": " + o.error());
        }
        if (!url.accepts(o.status())) {
            return CheckResult.failure(url.path + ": HTTP status " + o.status());
        }
        if (url.digest != null && !url.digest.equals(o.digest())) {
            return CheckResult.failure(url.path + ": MD5 digest " + o.digest() + " != " + url.digest);
        }
        return CheckResult.success();
    }
}
