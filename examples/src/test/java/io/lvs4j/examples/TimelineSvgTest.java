package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalTime;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lab's timeline: the directors' states from their logs and the requests, drawn as SVG. */
class TimelineSvgTest {

    private final AtomicLong clock = new AtomicLong();

    private LabTimeline timeline() {
        LabTimeline timeline = new LabTimeline(clock::get, LocalTime.parse("12:00:00"));
        timeline.step(1, "who is MASTER?");
        clock.set(4_000_000_000L);
        timeline.request("nginx2");
        timeline.request("nginx1");
        clock.set(10_000_000_000L);
        timeline.mark("LVS1 eth0 down");
        timeline.request(null);
        clock.set(20_000_000_000L);
        timeline.directorLog("LVS1", """
                12:00:00.100 [INFO] Instance - VRRP_Instance(VI_1) Entering BACKUP STATE
                12:00:00.150 [INFO] Director - director started on eth0 (198.18.0.8): 1 virtual service(s)
                12:00:03.700 [INFO] Instance - VRRP_Instance(VI_1) Entering MASTER STATE
                12:00:15.000 [INFO] Instance - VRRP_Instance(VI_1) Stopped
                """);
        timeline.directorLog("LVS2", "12:00:00.200 [INFO] Instance - VRRP_Instance(VI_1) Entering BACKUP STATE\n");
        return timeline;
    }

    @Test
    void shouldReadTheDirectorsStatesAtTheirLogTimes() {
        LabTimeline.Data data = timeline().data();

        assertEquals(6, data.states().size(), data.states().toString());
        assertEquals(new LabTimeline.State("LVS1", 3.7, "MASTER"), data.states().get(2));
        assertEquals(new LabTimeline.State("LVS1", 15.0, "INIT"), data.states().get(3));
        assertEquals(20.0, data.end());
    }

    @Test
    void shouldDrawLanesRequestsStepsAndMarks() {
        String svg = TimelineSvg.render(timeline().data());

        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.contains(">LVS1</text>") && svg.contains(">LVS2</text>") && svg.contains(">client</text>"), svg);
        Matcher master = Pattern.compile("<rect class=\"MASTER\" x=\"([\\d.]+)\" y=\"\\d+\" width=\"([\\d.]+)\"")
                .matcher(svg);
        assertTrue(master.find(), svg);
        double perSecond = (1000 - 120 - 20) / 20.0;
        assertEquals(120 + 3.7 * perSecond, Double.parseDouble(master.group(1)), 0.1, "LVS1 master from 3.7 s");
        assertEquals((15 - 3.7) * perSecond, Double.parseDouble(master.group(2)), 0.1, "until 15 s");
        assertEquals(2, svg.split("class=\"request\"", -1).length - 1, svg);
        assertEquals(1, svg.split("class=\"failed\"", -1).length - 1, svg);
        assertTrue(svg.contains("LVS1 eth0 down"), svg);
        assertTrue(svg.contains("answered by nginx1") && svg.contains("answered by nginx2"), svg);
        assertTrue(svg.contains("1 (0.0 s) who is MASTER?"), svg);
    }
}
