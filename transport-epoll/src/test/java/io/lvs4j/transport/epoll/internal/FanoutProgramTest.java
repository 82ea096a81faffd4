package io.lvs4j.transport.epoll.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FanoutProgramTest {

    @Test
    void shouldSendFramesThatAreNotIpv4ToTheLastInstructionReturningZero() {
        int[][] program = FanoutProgram.ipv4Source(2);
        int[] check = program[1];
        int[] target = program[2 + check[2]];
        assertEquals(0x06, target[0], "ret #k");
        assertEquals(0, target[3]);
        assertEquals(2, program[program.length - 3][3], "modulo the number of sockets");
    }

    @Test
    void shouldSpreadAddressesDifferingInTheirLowByteOverTheSockets() {
        int a = (198 << 24) | (18 << 16) | 150;
        assertNotEquals(FanoutProgram.socketOf(a, 2), FanoutProgram.socketOf(a + 1, 2));
        for (int i = 0; i < 256; i++) {
            int socket = FanoutProgram.socketOf(a + i, 3);
            assertTrue(socket >= 0 && socket < 3, "socket " + socket);
        }
        assertThrows(IllegalArgumentException.class, () -> FanoutProgram.ipv4Source(0));
    }
}
