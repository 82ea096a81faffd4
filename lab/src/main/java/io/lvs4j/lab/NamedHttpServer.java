package io.lvs4j.lab;

import java.time.Duration;

/**
 * A real HTTP server inside a lab host that answers every GET with its own name and a newline,
 * so a test can tell which real server served a request. Close it to stop it.
 */
public interface NamedHttpServer extends AutoCloseable {

    /** @return the name it answers with */
    String name();

    /** @return the TCP port it listens on (every address of its namespace) */
    int port();

    /** @return what serves: {@code nginx} or {@code netty} */
    String kind();

    /** Stops the server. */
    @Override
    void close();

    /**
     * Starts nginx in the host's namespace when it is installed, else the built-in Netty server,
     * and waits until it accepts connections.
     *
     * @param host the lab host
     * @param name the name to answer with
     * @param port the port
     * @return the running server
     * @throws Exception if it cannot start
     */
    static NamedHttpServer start(Host host, String name, int port) throws Exception {
        NamedHttpServer server = NginxServer.isInstalled() ? NginxServer.start(host, name, port)
                : NettyNameServer.start(host.netns(), name, port);
        try {
            awaitListening(host.netns(), port, Duration.ofSeconds(20));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Waits until something accepts TCP connections on a port of a namespace's loopback.
     *
     * @param netns the namespace
     * @param port the port
     * @param timeout how long to wait
     * @throws IllegalStateException if nothing listens in time
     */
    static void awaitListening(Netns netns, int port, Duration timeout) {
        boolean listening;
        try {
            listening = Poll.until(timeout, Duration.ofMillis(50), () -> netns.call(() -> {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                    return true;
                }
            }));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for port " + port + " in " + netns, e);
        }
        if (!listening) {
            throw new IllegalStateException("nothing listens on port " + port + " in " + netns + " after " + timeout);
        }
    }
}
