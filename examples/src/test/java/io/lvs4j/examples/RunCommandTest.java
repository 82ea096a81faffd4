package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The table {@code ./lvs4j run} logs, and the lab's reading of it. */
class RunCommandTest {

    @Test
    void shouldLogTheTableInIpvsadmLayout() {
        assertEquals("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  198.18.0.10:80 rr
                  -> 198.18.0.11:80               Route   0      0          2
                  -> 198.18.0.12:80               Route   1      1          7""",
                RunCommand.table(new FakeDirector()).lines().map(String::stripTrailing)
                        .collect(Collectors.joining("\n")), "ipvsadm's columns, padding at line ends aside");
    }

    @Test
    void shouldLetTheLabReadTheRowsOfTheLastLoggedTable() {
        String log = "12:00:00.000 [main] INFO RunCommand - table\n" + RunCommand.table(new FakeDirector())
                + "\n12:00:01.000 [main] INFO RunCommand - VRRP_Instance(VI_1) Entering MASTER STATE\n";

        List<long[]> rows = LabCommand.tableRows("older table\n" + RunCommand.TABLE_HEADER + "\n" + log);

        assertEquals(2, rows.size());
        assertArrayEquals(new long[] {0, 0, 2}, rows.get(0), "weight, ActiveConn, InActConn of 198.18.0.11");
        assertArrayEquals(new long[] {1, 1, 7}, rows.get(1), "of 198.18.0.12");
    }
}
