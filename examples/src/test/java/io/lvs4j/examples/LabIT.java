package io.lvs4j.examples;

import io.lvs4j.lab.Command;
import io.lvs4j.testkit.NetnsGuard;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./lvs4j lab} end to end: two directors as child processes, failover and preemption. */
class LabIT {

    @Test
    void shouldRunEveryStepOfTheClassicLabAndLeaveNothingBehind() {
        NetnsGuard.assumeNetns("curl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Lvs4j.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("lab");
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
        String tag = text.replaceAll("(?s).*namespace lvs4j-client-(lab[0-9a-f]{6}).*", "$1");
        assertFalse(Command.run("ip", "netns", "list").stdout().contains(tag), "namespaces of " + tag + " left");
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
