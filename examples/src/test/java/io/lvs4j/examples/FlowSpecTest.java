package io.lvs4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FlowSpecTest {

    @Test
    void shouldParseIpv4WithAndWithoutPort() {
        assertEquals(new FlowSpec(InetAddress.ofLiteral("10.1.2.3"), 4321), FlowSpec.parse("10.1.2.3:4321"));
        assertEquals(new FlowSpec(InetAddress.ofLiteral("10.1.2.3"), 0), FlowSpec.parse("10.1.2.3"));
    }

    @Test
    void shouldParseIpv6BareOrBracketedWithPort() {
        assertEquals(new FlowSpec(InetAddress.ofLiteral("2001:db8::5"), 0), FlowSpec.parse("2001:db8::5"));
        assertEquals(new FlowSpec(InetAddress.ofLiteral("2001:db8::5"), 443), FlowSpec.parse("[2001:db8::5]:443"));
        assertEquals(new FlowSpec(InetAddress.ofLiteral("2001:db8::5"), 0), FlowSpec.parse("[2001:db8::5]"));
    }

    @Test
    void shouldRejectWhatIsNotAnAddressOrPort() {
        assertThrows(IllegalArgumentException.class, () -> FlowSpec.parse("host.example"));
        assertThrows(IllegalArgumentException.class, () -> FlowSpec.parse("10.1.2.3:"));
        assertThrows(IllegalArgumentException.class, () -> FlowSpec.parse("10.1.2.3:65536"));
        assertThrows(IllegalArgumentException.class, () -> FlowSpec.parse("[2001:db8::5"));
        assertThrows(IllegalArgumentException.class, () -> FlowSpec.parse("[2001:db8::5]443"));
    }

    @Test
    void shouldFillAKeyOfTheFlowsFamily() {
        var key = FlowSpec.parse("[2001:db8::5]:443").fill(new io.lvs4j.core.sched.FlowKey());
        assertEquals(true, key.isIpv6());
        assertEquals(443, key.sourcePort());
        assertEquals(5, key.sourceLo());
        var v4 = FlowSpec.parse("10.0.0.1:7").fill(new io.lvs4j.core.sched.FlowKey());
        assertEquals(0x0A00_0001L, v4.sourceLo());
        assertEquals(FlowSpec.VPORT, v4.destinationPort());
    }
}
