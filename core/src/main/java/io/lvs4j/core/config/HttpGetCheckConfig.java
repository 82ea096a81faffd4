package io.lvs4j.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code HTTP_GET} and {@code SSL_GET}: the server is up while a GET of every url answers with
 * an accepted status code and, where a digest is given, a body of that MD5.
 *
 * @param ssl true for {@code SSL_GET} (TLS), false for {@code HTTP_GET}
 * @param timing connection and timing settings
 * @param urls the {@code url} blocks, at least one
 * @param httpProtocol {@code http_protocol}, default 1.0
 * @param virtualhost {@code virtualhost}: the Host header; empty: the connect address
 * @param enableSni {@code enable_sni}: send the server name in the TLS handshake
 * @param sniName {@code sni_name}: the server name to send; empty: the virtualhost
 * @param fastRecovery {@code fast_recovery}: after a failure, check all urls without waiting
 *     a delay loop between them
 */
public record HttpGetCheckConfig(boolean ssl, CheckerTiming timing, List<HttpUrl> urls,
        HttpProtocolVersion httpProtocol, Optional<String> virtualhost, boolean enableSni,
        Optional<String> sniName, boolean fastRecovery) implements CheckerConfig {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if there is no url
     * @throws NullPointerException if a component is null
     */
    public HttpGetCheckConfig {
        Objects.requireNonNull(timing, "timing");
        urls = Require.list("urls", urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException((ssl ? "SSL_GET" : "HTTP_GET") + " needs at least one url");
        }
        Objects.requireNonNull(httpProtocol, "httpProtocol");
        Objects.requireNonNull(virtualhost, "virtualhost");
        Objects.requireNonNull(sniName, "sniName");
    }

    /** @return {@link CheckerType#SSL_GET} or {@link CheckerType#HTTP_GET} */
    @Override
    public CheckerType type() {
        return ssl ? CheckerType.SSL_GET : CheckerType.HTTP_GET;
    }

    /**
     * Starts an {@code HTTP_GET} builder with keepalived's defaults.
     *
     * @return a builder
     */
    public static Builder httpGet() {
        return new Builder(false);
    }

    /**
     * Starts an {@code SSL_GET} builder with keepalived's defaults.
     *
     * @return a builder
     */
    public static Builder sslGet() {
        return new Builder(true);
    }

    /** Builds an {@link HttpGetCheckConfig}; not thread-safe. */
    public static final class Builder {
        private final boolean ssl;
        private CheckerTiming timing;
        private final List<HttpUrl> urls = new ArrayList<>();
        private HttpProtocolVersion httpProtocol = HttpProtocolVersion.HTTP_1_0;
        private Optional<String> virtualhost = Optional.empty();
        private boolean enableSni;
        private Optional<String> sniName = Optional.empty();
        private boolean fastRecovery;

        private Builder(boolean ssl) {
            this.ssl = ssl;
            this.timing = CheckerTiming.defaults(ssl ? CheckerType.SSL_GET : CheckerType.HTTP_GET);
        }

        /**
         * Sets the timing.
         *
         * @param value the timing
         * @return this builder
         */
        public Builder timing(CheckerTiming value) {
            timing = value;
            return this;
        }

        /**
         * Adds a url.
         *
         * @param value the url
         * @return this builder
         */
        public Builder url(HttpUrl value) {
            urls.add(Objects.requireNonNull(value, "url"));
            return this;
        }

        /**
         * Sets {@code http_protocol}.
         *
         * @param value the version
         * @return this builder
         */
        public Builder httpProtocol(HttpProtocolVersion value) {
            httpProtocol = value;
            return this;
        }

        /**
         * Sets {@code virtualhost}.
         *
         * @param value the Host header
         * @return this builder
         */
        public Builder virtualhost(String value) {
            virtualhost = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code enable_sni}.
         *
         * @param value true to send SNI
         * @return this builder
         */
        public Builder enableSni(boolean value) {
            enableSni = value;
            return this;
        }

        /**
         * Sets {@code sni_name}.
         *
         * @param value the name
         * @return this builder
         */
        public Builder sniName(String value) {
            sniName = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code fast_recovery}.
         *
         * @param value true for fast recovery
         * @return this builder
         */
        public Builder fastRecovery(boolean value) {
            fastRecovery = value;
            return this;
        }

        /**
         * Builds the checker.
         *
         * @return the checker
         * @throws IllegalArgumentException if there is no url
         */
        public HttpGetCheckConfig build() {
            return new HttpGetCheckConfig(ssl, timing, urls, httpProtocol, virtualhost, enableSni, sniName,
                    fastRecovery);
        }
    }
}
