package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 server for large downloads in a lab namespace: every GET is answered with
 * the same {@code size} bytes drawn from a seeded generator, then the connection is closed; the
 * bytes' SHA-256 is known in advance ({@link #sha256()}), so a test compares what a client
 * received. Bulk TCP from a namespace's veth leaves as GSO super-frames with partial checksums.
 */
final class BlobHttpServer implements AutoCloseable {

    private final ServerSocket server;
    private final byte[] body;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    private BlobHttpServer(ServerSocket server, byte[] body) {
        this.server = server;
        this.body = body;
    }

    /**
     * Binds in a namespace and serves until closed.
     *
     * @param netns the real server's namespace
     * @param port the port, on every address
     * @param size the body's length
     * @param seed the generator's seed
     * @return the running server
     * @throws Exception if it cannot bind
     */
    static BlobHttpServer start(Netns netns, int port, int size, long seed) throws Exception {
        ServerSocket socket = netns.call(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return s;
        });
        byte[] body = new byte[size];
        new Random(seed).nextBytes(body);
        BlobHttpServer blob = new BlobHttpServer(socket, body);
        blob.threads.execute(blob::acceptLoop);
        return blob;
    }

    /** @return the SHA-256 of the body, in lower-case hex */
    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                threads.execute(() -> serve(connection));
            } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setSoTimeout(30_000);
            InputStream in = connection.getInputStream();
            int matched = 0;
            // Read the request up to its blank line.
            for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // The client went away: nothing to serve.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
