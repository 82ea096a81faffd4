package io.lvs4j.examples;

import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.Schedulers;
import io.lvs4j.core.time.NanoClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's servers keep their identity whatever else is listed: 20,000 flows over 100
 * Maglev servers, one removed, move about that server's share (Maglev's paper: 1-2x, for a
 * table much larger than the number of servers: IPVS's mh with 65521 slots, lvs4j's maglev with
 * its 65537), and the same servers listed in another order give every flow the same server.
 */
class ScheduleSimulatorTest {

    private static final int FLOWS = 20_000;
    private static final NanoClock FIXED = () -> 1_000_000_000_000L;

    private static List<FlowSpec> flows() {
        Random random = new Random(20_000);
        List<FlowSpec> flows = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            flows.add(FlowSpec.parse("198.19." + random.nextInt(256) + "." + random.nextInt(256) + ":"
                    + (1024 + random.nextInt(60_000))));
        }
        return flows;
    }

    private static List<ServerSpec> servers(int n) {
        List<ServerSpec> servers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            servers.add(new ServerSpec("rs" + i, 1));
        }
        return servers;
    }

    private static List<String> run(String scheduler, List<ServerSpec> servers, List<FlowSpec> flows) {
        return run(scheduler, 0, servers, flows);
    }

    private static List<String> run(String scheduler, int tableSize, List<ServerSpec> servers, List<FlowSpec> flows) {
        List<String> picks = new ArrayList<>();
        ScheduleSimulator.run(Schedulers.create(scheduler, SchedulerOptions.DEFAULTS.withClock(FIXED)
                .withTableSize(tableSize)), servers, flows, flows.size(), 0, picks::add);
        return picks;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mh:65521", "maglev:0"})
    void shouldMoveAboutTheRemovedServersShareOfFlows(String schedulerAndTable) {
        String scheduler = schedulerAndTable.substring(0, schedulerAndTable.indexOf(':'));
        int table = Integer.parseInt(schedulerAndTable.substring(schedulerAndTable.indexOf(':') + 1));
        List<FlowSpec> flows = flows();
        List<ServerSpec> all = servers(100);
        List<String> before = run(scheduler, table, all, flows);
        List<ServerSpec> fewer = new ArrayList<>(all);
        ServerSpec removed = fewer.remove(37);
        List<String> after = run(scheduler, table, fewer, flows);

        long share = before.stream().filter(removed.name()::equals).count();
        long moved = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (!before.get(i).equals(after.get(i))) {
                moved++;
            }
        }
        System.out.printf("[%s] 100 servers, %d flows: removing one (%d flows) moved %d flows (%.2fx)%n", scheduler,
                FLOWS, share, moved, (double) moved / share);
        assertTrue(share > 0, "the removed server had flows");
        assertTrue(moved >= share, "at least its own flows moved: " + moved + " < " + share);
        assertTrue(moved <= 2 * share, "within twice its share: moved " + moved + ", share " + share);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mh", "maglev", "sh", "dh"})
    void shouldGiveEveryFlowTheSameServerHoweverTheServersAreListed(String scheduler) {
        List<FlowSpec> flows = flows();
        List<ServerSpec> listed = servers(100);
        List<ServerSpec> shuffled = new ArrayList<>(listed);
        Collections.shuffle(shuffled, new Random(7));
        List<String> first = run(scheduler, listed, flows);
        List<String> second = run(scheduler, shuffled, flows);
        long differ = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (!first.get(i).equals(second.get(i))) {
                differ++;
            }
        }
        assertEquals(0, differ, "flows sent elsewhere when the servers are listed in another order");
    }

    @Test
    void shouldTakeAServerNamedByItsAddressAsThatAddress() {
        List<String> byName = run("sh", List.of(new ServerSpec("198.18.1.5", 1), new ServerSpec("198.18.1.6:8080", 1)),
                flows().subList(0, 200));
        assertTrue(byName.contains("198.18.1.5") && byName.contains("198.18.1.6:8080"), byName.toString());
        assertEquals("198.18.1.6", ServerIdentity.of(List.of(new ServerSpec("198.18.1.6:8080", 1))).getFirst()
                .address().getHostAddress());
        assertEquals(8080, ServerIdentity.of(List.of(new ServerSpec("198.18.1.6:8080", 1))).getFirst().port());
        assertThrows(IllegalArgumentException.class, () -> ServerIdentity.of(List.of(new ServerSpec("198.18.1.5", 1),
                new ServerSpec("198.18.1.5:80", 1))), "one endpoint named twice");
    }
}
