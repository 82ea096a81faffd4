/**
 * VRRP for lvs4j: the advertisement codec and the router state machine, driven by events and
 * a clock, with no socket of its own.
 */
package io.lvs4j.vrrp;
