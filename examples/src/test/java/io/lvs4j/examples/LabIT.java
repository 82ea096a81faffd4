package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lvs4j lab} end to end: two directors as child processes, failover and preemption, and
 * the timeline picture of the run.
 */
class LabIT {

    @Test
    void shouldRunEveryStepOfTheClassicLabAndLeaveNothingBehind() throws Exception {
        NetnsGuard.assumeNetns("curl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path svg = Path.of("target", "lab-timeline.svg");
        int code = Lvs4j.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("lab", "--timeline", svg.toString());
        String text = out.toString();
        System.out.println(text);
        assertEquals(0, code, text + err);
        assertTrue(text.contains("[lab] LVS1 is MASTER, LVS2 is BACKUP"), text);
        assertTrue(text.contains("answers alternate: nginx2, nginx1, nginx2, nginx1, nginx2, nginx1"),
                "the server added last answers first, then rr alternates:\n" + text);
        Matcher failover = Pattern.compile("client served again after (\\d+\\.\\d+) s").matcher(text);
        assertTrue(failover.find(), text);
        double seconds = Double.parseDouble(failover.group(1));
        assertTrue(seconds > 0 && seconds < 20, "failover time " + seconds);
        assertTrue(text.contains("LVS2 # lvs4j status"), "LVS2's table through its admin endpoint:\n" + text);
        Matcher row = Pattern.compile("LVS2 \\|\\s+-> 198\\.18\\.0\\.1[12]:80\\s+Route\\s+1\\s+\\d+\\s+([1-9]\\d*)")
                .matcher(text);
        assertTrue(row.find(), "InActConn grown on LVS2:\n" + text);
        assertTrue(text.contains("LVS1 is MASTER again"), text);
        assertTrue(text.contains("every step held"), text);
        assertTimeline(Files.readString(svg));
        assertTrue(text.contains("[lab]   waiting for "), "the lab says what it waits for:\n" + text);
        String tag = text.replaceAll("(?s).*namespace lvs4j-client-(lab[0-9a-f]{6}).*", "$1");
        assertFalse(Command.run("ip", "netns", "list").stdout().contains(tag), "namespaces of " + tag + " left");
    }

    /** The picture holds both directors' lanes, LVS1 master twice, the requests, failures across the failover. */
    private static void assertTimeline(String svg) {
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains(">LVS1</text>") && svg.contains(">LVS2</text>"), svg);
        assertTrue(count(svg, "<rect class=\"MASTER\"") >= 3, "LVS1 master, LVS2 master, LVS1 master again: " + svg);
        assertTrue(count(svg, "<rect class=\"BACKUP\"") >= 2, svg);
        assertTrue(count(svg, "class=\"request\"") >= 16, "the answered requests: " + svg);
        assertTrue(count(svg, "class=\"failed\"") >= 1, "requests fail while no director is master: " + svg);
        assertEquals(3, count(svg, "class=\"mark\""), "link down, link up, SIGTERM: " + svg);
        assertTrue(svg.contains("answered by nginx1") && svg.contains("answered by nginx2"), svg);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    @Test
    void shouldRemoveLeftoverLabNamespacesOnLabDown() {
        NetnsGuard.assumeNetns();
        String name = "lvs4j-client-lab" + io.lvs4j.lab.Netns.randomTag();
        Command.run("ip", "netns", "add", name).check();
        try {
            StringWriter out = new StringWriter();
            int code = Lvs4j.commandLine().setOut(new PrintWriter(out)).execute("lab", "down");
            assertEquals(0, code, out.toString());
            assertFalse(Command.run("ip", "netns", "list").stdout().contains(name), out.toString());
        } finally {
            Command.run("ip", "netns", "del", name);
        }
    }
}
