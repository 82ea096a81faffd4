package io.lvs4j.transport.epoll;

import io.lvs4j.lab.Host;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;

/**
 * A bulk TCP server in a lab host, on one port of every address (IPv4 and IPv6), serving one
 * connection at a time: command {@code 'D'} sends {@link #BYTES} seeded random bytes
 * ({@link #data()}) and closes; {@code 'U'} and a length reads that many bytes and answers their
 * SHA-256. With {@link #download} and {@link #upload} a test moves 10 MiB each way and compares
 * digests.
 */
final class BulkServer implements AutoCloseable {

    /** Bytes of a download. */
    static final int BYTES = 10 << 20;

    private final ServerSocket listener;

    private BulkServer(ServerSocket listener) {
        this.listener = listener;
    }

    /** @return the bytes a download sends */
    static byte[] data() {
        byte[] data = new byte[BYTES];
        new Random(7).nextBytes(data);
        return data;
    }

    /**
     * Starts serving in the host's namespace.
     *
     * @param host the lab host
     * @param port the port
     * @return the server
     */
    static BulkServer start(Host host, int port) throws Exception {
        ServerSocket listener = host.netns().call(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(port));
            return s;
        });
        BulkServer server = new BulkServer(listener);
        host.netns().executor().submit(server::serve);
        return server;
    }

    private Void serve() throws Exception {
        byte[] data = data();
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(30_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int command = in.read();
                if (command == 'D') {
                    out.write(data);
                } else if (command == 'U') {
                    long length = in.readLong();
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[65536];
                    for (long left = length; left > 0; ) {
                        int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (r < 0) {
                            break;
                        }
                        md.update(buffer, 0, r);
                        left -= r;
                    }
                    out.write(md.digest());
                }
                out.flush();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Downloads from a server (through a VIP) in the client's namespace.
     *
     * @return the SHA-256 of what arrived
     */
    static byte[] download(Host client, String address, int port) throws Exception {
        return client.netns().call(() -> {
            try (Socket s = connect(address, port)) {
                s.getOutputStream().write('D');
                s.getOutputStream().flush();
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[65536];
                long total = 0;
                for (int r; (r = in.read(buffer)) > 0; ) {
                    md.update(buffer, 0, r);
                    total += r;
                }
                if (total != BYTES) {
                    throw new IOException("downloaded " + total + " bytes of " + BYTES);
                }
                return md.digest();
            }
        });
    }

    /**
     * Uploads bytes to a server (through a VIP) from the client's namespace.
     *
     * @return the SHA-256 the server computed over what it received
     */
    static byte[] upload(Host client, String address, int port, byte[] data) throws Exception {
        return client.netns().call(() -> {
            try (Socket s = connect(address, port)) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.write('U');
                out.writeLong(data.length);
                out.write(data);
                out.flush();
                return new DataInputStream(s.getInputStream()).readNBytes(32);
            }
        });
    }

    private static Socket connect(String address, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(address, port), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
