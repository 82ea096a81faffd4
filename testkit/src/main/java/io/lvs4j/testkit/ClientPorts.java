package io.lvs4j.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Source ports that a test's client binds itself, so that every connection the test opens is a
 * new TCP tuple: a test that counts scheduling decisions (round robin's alternation, new
 * connections) must not depend on where the kernel's port choice happens to be.
 *
 * <p>Why: for a {@code connect()} with no bound port, Linux starts its search at an offset kept
 * per (source address, destination address, destination port) in one table that every network
 * namespace shares, and every lab uses the same addresses (client {@code 198.18.0.11}, VIP
 * {@code 198.18.0.200}, port 80). Another lab connecting at the same time on the machine (a
 * second test run, a load test) therefore moves this client through the ephemeral range, and
 * after a full cycle (about 3,000 connects) the client reuses the port of one of its own recent
 * connections. A director that still holds that connection (direct routing and tunnelling leave
 * a closed connection in FIN_WAIT for two minutes) sends the new SYN to the old connection's
 * server without scheduling, as IPVS does with {@code conn_reuse_mode} 1, and a test expecting
 * 500 answers from each server sees 505 and 495. The ports handed out here lie below the
 * kernel's default ephemeral range (32768 to 60999), which an unbound {@code connect()} never
 * uses, and each is handed out once. Thread-safe.
 */
public final class ClientPorts {

    /** The first port handed out. */
    public static final int FIRST = 10_000;
    /** The last port that may be handed out: one below the default ephemeral range. */
    public static final int LAST = 32_767;

    private final AtomicInteger next = new AtomicInteger(FIRST);

    /** Creates a source of ports starting at {@link #FIRST}; use one per client namespace and test. */
    public ClientPorts() {
    }

    /**
     * Hands out a port never handed out before by this instance.
     *
     * @return the port
     * @throws IllegalStateException when the range is used up
     */
    public int next() {
        int port = next.getAndIncrement();
        if (port > LAST) {
            throw new IllegalStateException("no client port left in " + FIRST + "-" + LAST);
        }
        return port;
    }

    /** @return curl's options binding the next port: {@code --local-port N} */
    public List<String> curlOption() {
        return List.of("--local-port", Integer.toString(next()));
    }

    /**
     * Opens a TCP connection from the next port; call it on a thread inside the client's namespace.
     *
     * @param localAddress the client's address to connect from
     * @param remote the address to connect to
     * @param timeoutMillis the connect timeout, also set as the read timeout
     * @return the connected socket
     * @throws IOException if it cannot connect
     */
    public Socket connect(String localAddress, InetSocketAddress remote, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(localAddress, next()));
            socket.connect(remote, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
