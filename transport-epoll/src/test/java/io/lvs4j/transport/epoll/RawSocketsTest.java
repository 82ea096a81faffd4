package io.lvs4j.transport.epoll;

import io.lvs4j.transport.epoll.internal.Libc;
import io.lvs4j.transport.epoll.internal.NativeIoException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawSocketsTest {

    @Test
    void shouldExplainAMissingCapabilityInOneSentence() {
        NativeIoException eperm = new NativeIoException("socket(AF_PACKET)", Libc.EPERM);
        Throwable cause = RawSockets.explain(eperm);
        String message = cause.getMessage();
        assertTrue(message.contains("CAP_NET_RAW"), message);
        assertTrue(message.endsWith("."), message);
        assertEquals(1, message.split("\\. ").length, message);
        assertSame(eperm, cause.getCause());
    }

    @Test
    void shouldReportOtherFailuresWithTheCLibraryMessage() {
        Throwable cause = RawSockets.explain(new NativeIoException("socket(AF_PACKET)", 97));
        assertTrue(cause.getMessage().contains("Address family not supported"), cause.getMessage());
    }

    @Test
    void shouldThrowFromEnsureAvailabilityExactlyWhenUnavailable() {
        if (RawSockets.isAvailable()) {
            assertNull(RawSockets.unavailabilityCause());
            assertDoesNotThrow(RawSockets::ensureAvailability);
        } else {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    RawSockets::ensureAvailability);
            assertEquals(RawSockets.unavailabilityCause().getMessage(), e.getMessage());
        }
    }
}
