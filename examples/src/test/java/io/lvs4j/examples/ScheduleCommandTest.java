package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ScheduleCommandTest {

    private record Run(int exit, List<String> lines, String err) {
    }

    private static Run schedule(String... args) {
        CommandLine cli = Lvs4j.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "schedule";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cli.execute(all);
        return new Run(exit, out.toString().lines().toList(), err.toString());
    }

    private static List<String> picks(String... args) {
        Run run = schedule(args);
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err());
        return run.lines();
    }

    @Test
    void shouldPickTheLaterAddedServerFirstWithRr() {
        assertEquals(List.of("nginx2", "nginx1", "nginx2", "nginx1"),
                picks("--scheduler", "rr", "--server", "nginx1:1", "--server", "nginx2:1", "--picks", "4"));
    }

    @Test
    void shouldGiveIpvsWrrSequenceForServersAddedOneByOne() {
        assertEquals(List.of("A", "B", "C", "A", "A", "B", "A", "B", "C", "A", "B", "C"),
                picks("--scheduler", "wrr", "--server", "C:2", "--server", "B:3", "--server", "A:4",
                        "--picks", "12"));
    }

    @Test
    void shouldPrintDashWhenEveryServerIsQuiesced() {
        assertEquals(List.of("-", "-"), picks("--scheduler", "rr", "--server", "A:0", "--server", "B:0",
                "--picks", "2"));
    }

    @Test
    void shouldPrintDashWhenTheServiceHasNoServer() {
        assertEquals(List.of("-", "-", "-"), picks("--scheduler", "rr", "--picks", "3"));
    }

    @Test
    void shouldKeepConnectionsActiveSoLeastConnectionAlternates() {
        assertEquals(List.of("B", "A", "B", "A"),
                picks("--scheduler", "lc", "--server", "A:1", "--server", "B:1", "--picks", "4"));
    }

    @Test
    void shouldCloseTheConnectionOfPickIJustBeforePickIPlusHold() {
        assertEquals(List.of("B", "B", "B", "B"),
                picks("--scheduler", "lc", "--server", "A:1", "--server", "B:1", "--picks", "4", "--hold", "1"));
        // hold 2: B, then A, then pick 1's B closes before pick 3 (B again), pick 2's A before pick 4.
        assertEquals(List.of("B", "A", "B", "A", "B"),
                picks("--scheduler", "lc", "--server", "A:1", "--server", "B:1", "--picks", "5", "--hold", "2"));
    }

    @Test
    void shouldSendOneFlowToOneServerWithSourceHashing() {
        List<String> lines = picks("--scheduler", "sh", "--server", "A:1", "--server", "B:1", "--server", "C:1",
                "--flow", "203.0.113.7", "--flow", "203.0.113.8:4000", "--flow", "203.0.113.7:5000");
        assertEquals(3, lines.size());
        assertEquals(lines.get(0), lines.get(2), "sh without sh-port ignores the client port");
        assertTrue(List.of("A", "B", "C").containsAll(lines), lines.toString());
    }

    @Test
    void shouldCycleThroughTheFlowsWhenPicksExceedThem() {
        List<String> lines = picks("--scheduler", "sh", "--server", "A:1", "--server", "B:1", "--server", "C:1",
                "--flow", "203.0.113.7", "--flow", "[2001:db8::7]:443", "--picks", "4");
        assertEquals(lines.subList(0, 2), lines.subList(2, 4));
    }

    @Test
    void shouldReadFlowsFromAFileSkippingCommentsAndBlankLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("flows.txt");
        Files.writeString(file, "# clients\n203.0.113.7\n\n203.0.113.9:80  # second\n203.0.113.7:81\n");
        List<String> fromFile = picks("--scheduler", "sh", "--server", "A:1", "--server", "B:1",
                "--server", "C:1", "--flows", file.toString());
        List<String> fromOptions = picks("--scheduler", "sh", "--server", "A:1", "--server", "B:1",
                "--server", "C:1", "--flow", "203.0.113.7", "--flow", "203.0.113.9:80", "--flow", "203.0.113.7:81");
        assertEquals(3, fromFile.size());
        assertEquals(fromOptions, fromFile);
    }

    @Test
    void shouldGiveTheSameAnswerForTheSameSeed() {
        String[] args = {"--scheduler", "twos", "--server", "A:1", "--server", "B:2", "--server", "C:3",
            "--picks", "40", "--hold", "3", "--seed", "42"};
        assertEquals(picks(args), picks(args));
    }

    @Test
    void shouldPassFlagsToTheScheduler() {
        List<String> lines = picks("--scheduler", "sh", "--flag", "sh-port", "--server", "A:1", "--server", "B:1",
                "--server", "C:1", "--server", "D:1", "--flow", "203.0.113.7:1", "--flow", "203.0.113.7:2",
                "--flow", "203.0.113.7:3", "--flow", "203.0.113.7:4", "--flow", "203.0.113.7:5");
        assertNotEquals(1, lines.stream().distinct().count(), "with sh-port the port spreads one client: " + lines);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--server A:1 --picks 2",
        "--scheduler rr --server A --picks 2",
        "--scheduler rr --server A:x --picks 2",
        "--scheduler rr --server A:65536 --picks 2",
        "--scheduler rr --server A:-1 --picks 2",
        "--scheduler rr --server -:1 --picks 2",
        "--scheduler rr --server A:1 --server A:2 --picks 2",
        "--scheduler no-such-scheduler --server A:1 --picks 2",
        "--scheduler rr --server A:1",
        "--scheduler rr --server A:1 --picks -1",
        "--scheduler rr --server A:1 --picks many",
        "--scheduler rr --server A:1 --picks 2 --hold -1",
        "--scheduler sh --server A:1 --flow 300.1.1.1",
        "--scheduler sh --server A:1 --flow 10.0.0.1:70000",
        "--scheduler sh --server A:1 --flow example.org",
        "--scheduler sh --server A:1 --flows /nonexistent/flows.txt",
        "--scheduler sh --server A:1 --flow 10.0.0.1 --flows /nonexistent/flows.txt",
        "--scheduler mh --server A:1 --picks 1 --table-size -3",
        "--scheduler rr --server A:1 --picks 2 --no-such-option",
    })
    void shouldRejectBadArgumentsWithOneLineAndExitCode2(String args) {
        Run run = schedule(args.split(" "));
        assertEquals(2, run.exit(), run.err());
        assertEquals(List.of(), run.lines());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("lvs4j schedule: "), run.err());
    }

    @Test
    void shouldRejectAMissingCommandWithExitCode2() {
        CommandLine cli = Lvs4j.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }
}
