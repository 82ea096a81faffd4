package io.lvs4j.core.check;

/**
 * The network I/O of keepalived's built-in checkers, done by the transport whose loops run them
 * (transport-epoll does it on Netty). The checkers ({@link TcpCheck}, {@link HttpGetCheck},
 * {@link UdpCheck}, {@link DnsCheck}) say what each probe asks and how to judge it; an
 * implementation of this interface sends and receives.
 *
 * <p>Contract of every method: called on {@link CheckAttempt#loop()}, it starts the probe and
 * returns without blocking; the probe completes the attempt once, and registers the cleanup of
 * what it opened with {@link CheckAttempt#whenDone(Runnable)}, so that the deadline or a
 * stopping checker closes it.
 */
public interface CheckNetwork {

    /**
     * Opens a TCP connection as {@link TcpCheck} describes.
     *
     * @param check the checker
     * @param attempt the attempt to complete
     */
    void tcp(TcpCheck check, CheckAttempt attempt);

    /**
     * Fetches the URLs of an {@link HttpGetCheck}, over TLS for {@code SSL_GET}.
     *
     * @param check the checker
     * @param attempt the attempt to complete
     */
    void httpGet(HttpGetCheck check, CheckAttempt attempt);

    /**
     * Sends the datagram of a {@link UdpCheck} and judges the reply with
     * {@link UdpCheck#judge(java.nio.ByteBuffer)}.
     *
     * @param check the checker
     * @param attempt the attempt to complete
     */
    void udp(UdpCheck check, CheckAttempt attempt);

    /**
     * Sends the query of a {@link DnsCheck} over UDP.
     *
     * @param check the checker
     * @param attempt the attempt to complete
     */
    void dns(DnsCheck check, CheckAttempt attempt);
}
