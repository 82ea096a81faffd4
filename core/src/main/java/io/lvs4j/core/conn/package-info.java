/**
 * The off-heap connection table of a director: IPVS's connection entries with their TCP
 * state machine, timeouts, ActiveConn/InActConn accounting, persistence templates and expiry
 * by a timer wheel.
 */
package io.lvs4j.core.conn;
