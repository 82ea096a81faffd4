package io.lvs4j.core.check.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptsTest {

    @Test
    void shouldSplitACommandLineOnBlanksAndQuotes() {
        assertEquals(List.of("/bin/check", "a b", "c", "it's", "d\\e"),
                Scripts.split("  /bin/check \"a b\"  c it\\'s 'd\\e' "));
    }

    @Test
    void shouldKeepAnEmptyQuotedArgument() {
        assertEquals(List.of("x", "", "y"), Scripts.split("x '' y"));
    }

    @Test
    void shouldRejectAnUnbalancedQuote() {
        assertThrows(IllegalArgumentException.class, () -> Scripts.split("x \"y"));
    }
}
