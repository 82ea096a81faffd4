package io.lvs4j.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection to a VIP, made from the thread's network namespace: each
 * {@link #get} sends {@code GET /} and returns the body (the nginx real server's name). Not
 * thread-safe.
 */
final class KeepAliveConnection implements AutoCloseable {

    private final Socket socket;
    private final String host;
    private final InputStream in;
    private final OutputStream out;

    /**
     * Connects.
     *
     * @param vip the VIP
     * @param port its port
     * @param timeoutMillis the connect and read timeout
     * @throws IOException if it cannot connect
     */
    KeepAliveConnection(String vip, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(vip, port), timeoutMillis);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        host = vip;
    }

    /** @return the client's port, which the router's L4 hash reads */
    int localPort() {
        return socket.getLocalPort();
    }

    /**
     * Sends one request and reads its answer.
     *
     * @param close whether to ask the server to close after answering
     * @return the body without its line end
     * @throws IOException on a timeout, a reset or a malformed answer
     */
    String get(boolean close) throws IOException {
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: " + (close ? "close" : "keep-alive")
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int length = -1;
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status: " + status);
        }
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).strip());
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("body cut at " + body.length + " of " + length + " bytes");
        }
        return new String(body, StandardCharsets.US_ASCII).strip();
    }

    /** @return true once the server closed the connection (read returns end of stream) */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
