package io.lvs4j.transport.epoll;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WrkTest {

    private static final String CLEAN = """
            Running 1s test @ http://127.0.0.1:18080/
              1 threads and 2 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.08ms    1.24ms   7.65ms   65.89%
                Req/Sec   640.60     57.13   787.00     80.00%
              637 requests in 1.00s, 6.26MB read
            Requests/sec:    636.82
            Transfer/sec:      6.25MB
            """;

    private static final String WITH_ERRORS = """
            Running 1s test @ http://127.0.0.1:18080/nonexistent
              1 threads and 2 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   616.58us  438.45us   8.61ms   96.57%
                Req/Sec     3.14k   163.94     3.32k    72.73%
              3441 requests in 1.10s, 1.71MB read
              Socket errors: connect 1, read 2, write 3, timeout 4
              Non-2xx or 3xx responses: 3441
            Requests/sec:   3129.36
            Transfer/sec:      1.55MB
            """;

    @Test
    void shouldReadRateAndRequestsOfACleanRun() {
        Wrk.Result result = Wrk.parse(CLEAN);
        assertEquals(636.82, result.rate(), 1e-9);
        assertEquals(637, result.requests());
        assertEquals(0, result.errors());
    }

    @Test
    void shouldCountSocketErrorsAndNon2xxResponses() {
        Wrk.Result result = Wrk.parse(WITH_ERRORS);
        assertEquals(3129.36, result.rate(), 1e-9);
        assertEquals(3441, result.requests());
        assertEquals(1 + 2 + 3 + 4 + 3441, result.errors());
    }

    @Test
    void shouldRefuseOutputWithoutARate() {
        assertThrows(IllegalStateException.class, () -> Wrk.parse("unable to connect to 198.18.0.200:80"));
    }
}
