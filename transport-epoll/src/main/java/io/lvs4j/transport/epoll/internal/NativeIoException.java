package io.lvs4j.transport.epoll.internal;

import java.io.IOException;
import java.io.Serial;

/** An {@link IOException} for a failed system call, carrying its {@code errno}. */
public final class NativeIoException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * Creates the exception.
     *
     * @param call what was called, for example {@code socket(AF_PACKET)}
     * @param errno the captured error number
     */
    public NativeIoException(String call, int errno) {
        super(call + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    /** @return the error number */
    public int errno() {
        return errno;
    }
}
