package io.lvs4j.examples;

import io.lvs4j.lab.Netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A keep-alive HTTP/1.1 connection held open from a client namespace, asked again and again:
 * which server answers each request on it, or that none does.
 */
final class HeldConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private HeldConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from inside a namespace (the socket stays in it, whichever thread uses it later). */
    static HeldConnection open(Netns client, String address, int port) throws Exception {
        return client.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(address, port), 5000);
            return new HeldConnection(s);
        });
    }

    /** @return the client's port of the connection */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Sends a request without waiting for an answer. */
    void send() throws IOException {
        out.write("GET / HTTP/1.1\r\nHost: lvs4j\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** @return the bytes of answers received and not read yet */
    int pending() throws IOException {
        return in.available();
    }

    /**
     * Sends a request and reads the answer's body.
     *
     * @param timeoutMillis how long to wait for the answer
     * @return the body without its line end (nginx's name), or null if no answer came in time
     */
    String ask(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        out.write("GET / HTTP/1.1\r\nHost: lvs4j\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        try {
            String head = readHead();
            int length = -1;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length in " + head);
            }
            return new String(in.readNBytes(length), StandardCharsets.US_ASCII).strip();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
