package io.lvs4j.transport.epoll.check.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS client context of {@code SSL_GET}. Like keepalived without a {@code ca} it does not
 * verify the server's certificate: the check asks whether the server answers, not who it is.
 */
public final class ClientTls {

    private static volatile SslContext context;

    private ClientTls() {
    }

    /**
     * @return the shared client context, built on first use
     * @throws SSLException if the JDK's TLS provider cannot be set up
     */
    public static SslContext context() throws SSLException {
        SslContext c = context;
        if (c == null) {
            synchronized (ClientTls.class) {
                c = context;
                if (c == null) {
                    c = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                    context = c;
                }
            }
        }
        return c;
    }
}
