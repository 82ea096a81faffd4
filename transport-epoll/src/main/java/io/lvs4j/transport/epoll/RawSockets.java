package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import io.lvs4j.transport.epoll.internal.PacketSocketFd;
import io.netty.channel.epoll.Epoll;

/**
 * Whether this process can open raw packet sockets, probed once: Linux with Netty's native
 * epoll, the Foreign Function and Memory API allowed to call native code, and the privilege to
 * open an {@code AF_PACKET} socket ({@code CAP_NET_RAW}).
 *
 * <p>As Netty's {@code Epoll}: {@link #isAvailable()}, {@link #ensureAvailability()},
 * {@link #unavailabilityCause()}. The cause's message is one sentence saying what to do.
 * Thread-safe.
 */
public final class RawSockets {

    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private RawSockets() {
    }

    private static Throwable probe() {
        if (!Epoll.isAvailable()) {
            return new UnsupportedOperationException(
                    "Raw sockets need Linux with Netty's native epoll transport, which is unavailable here: "
                            + Epoll.unavailabilityCause(), Epoll.unavailabilityCause());
        }
        int fd;
        try {
            fd = PacketSocketFd.open(Libc.AF_PACKET, Libc.SOCK_RAW, 0);
        } catch (NativeIoException e) {
            return explain(e);
        } catch (IllegalCallerException | UnsatisfiedLinkError | ExceptionInInitializerError e) {
            return new UnsupportedOperationException("Raw sockets need native access: start the JVM with "
                    + "--enable-native-access=io.lvs4j.transport.epoll (or ALL-UNNAMED on the class path).", e);
        }
        PacketSocketFd.close(fd);
        return null;
    }

    /**
     * Turns the failure of {@code socket(AF_PACKET, SOCK_RAW)} into the sentence a user reads.
     *
     * @param failure the failed call
     * @return the cause to report
     */
    static Throwable explain(NativeIoException failure) {
        if (failure.errno() == Libc.EPERM || failure.errno() == Libc.EACCES) {
            return new UnsupportedOperationException("Raw packet sockets need the CAP_NET_RAW capability: run as "
                    + "root or grant it to the java binary (setcap cap_net_raw,cap_net_admin+ep).", failure);
        }
        return new UnsupportedOperationException("Raw packet sockets cannot be opened here: "
                + failure.getMessage() + ".", failure);
    }

    /** @return {@code true} if raw packet sockets can be opened */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Throws if raw packet sockets cannot be opened.
     *
     * @throws UnsupportedOperationException with {@link #unavailabilityCause()} as its cause
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException(UNAVAILABILITY_CAUSE.getMessage(), UNAVAILABILITY_CAUSE);
        }
    }

    /** @return why raw packet sockets cannot be opened, or {@code null} if they can */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }
}
