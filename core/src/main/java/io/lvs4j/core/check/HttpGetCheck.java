package io.lvs4j.core.check;

import io.lvs4j.core.config.CheckerTiming;
import io.lvs4j.core.config.HttpGetCheckConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * keepalived's {@code HTTP_GET} and {@code SSL_GET}: each URL is fetched on its own connection
 * and must answer with an accepted status code and, if a digest is given, a body whose MD5 is
 * the digest keepalived's {@code genhash} prints (the raw bytes after the header, up to
 * {@code Content-Length}; chunk framing is digested as sent, as keepalived does). All URLs
 * must pass. The fetches are the loop's {@link CheckNetwork#httpGet(HttpGetCheck, CheckAttempt)}.
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
        attempt.loop().network().httpGet(this, attempt);
    }

    @Override
    public String name() {
        return config.ssl() ? "SSL_GET" : "HTTP_GET";
    }
}
