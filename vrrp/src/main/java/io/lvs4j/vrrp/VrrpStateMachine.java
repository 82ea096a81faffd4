package io.lvs4j.vrrp;

import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.time.NanoClock;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state machine of one VRRP router for one virtual router, RFC 3768 section 6.4 and RFC
 * 5798 section 6.4, with keepalived's {@link VrrpState#FAULT} and its choices where the RFCs
 * leave room. Pure: it reads the clock, takes events (adverts, timer ticks, priority and fault
 * changes) and answers with {@link VrrpActions}; it owns no socket and no thread.
 *
 * <p>Timers: the master sends an advert every advert interval. A backup becomes master when
 * no acceptable advert arrived for the master-down interval, {@code 3 * interval + skew};
 * skew is {@code (256 - priority) / 256} seconds in v2 and {@code (256 - priority) *
 * masterInterval / 256} in v3, where v3 adopts the interval of the master's adverts. A
 * priority-0 advert (the master leaving) cuts a backup's wait to the skew time. Ties of
 * priority go to the higher primary address.
 *
 * <p>keepalived's behaviour followed where the RFCs leave room: a non-owner starts as backup
 * whatever its configured initial state; a master answers a lower-priority advert with an
 * advert of its own at once (unless {@code lower_prio_no_advert}); a master going to fault
 * sends a priority-0 advert; {@code preempt_delay} runs from start and from the first
 * lower-priority advert seen after entering backup, and a backup treats lower-priority adverts
 * as valid until it ends.
 *
 * <p>Drive it by calling {@link #tick()} at {@link #nextDeadline()}. Not thread-safe: confine
 * each machine (and its actions) to one thread.
 */
public final class VrrpStateMachine {

    private static final long NANOS_PER_CENTI = 10_000_000L;
    private static final long UNSET = Long.MIN_VALUE;

    /** Asked, for sync groups, whether an expired backup may become master now. */
    @FunctionalInterface
    public interface MasterGate {
        /**
         * Decides whether a backup whose master-down timer expired may become master.
         *
         * @param machine the machine asking
         * @return true to take over now; false to wait until {@link #forceMaster()} or an advert
         */
        boolean mayBecomeMaster(VrrpStateMachine machine);
    }

    private final VrrpVersion version;
    private int advertCentis;
    private boolean preempt;
    private long preemptDelayNanos;
    private boolean lowerPriorityNoAdvert;
    private final byte[] primary;
    private final NanoClock clock;
    private final VrrpActions actions;
    private MasterGate gate;

    private VrrpState state = VrrpState.INITIALIZE;
    private int priority;
    private int masterAdvertCentis;
    private long advertDeadline = Long.MAX_VALUE;
    private long downDeadline = Long.MAX_VALUE;
    private long preemptAt = UNSET;
    private boolean fault;
    private boolean waitingForGroup;

    /**
     * Creates a machine in {@link VrrpState#INITIALIZE}.
     *
     * @param config the instance's settings, with its source address (tracking and notify
     *     settings are not used here)
     * @param clock the time source
     * @param actions what the machine asks for
     */
    public VrrpStateMachine(VrrpInstanceConfig config, NanoClock clock, VrrpActions actions) {
        InetAddress source = config.sourceAddress().orElseThrow(() -> new IllegalArgumentException(
                "VRRP instance " + config.name() + " has no source address (the interface's, or unicast_src_ip)"));
        this.version = VrrpVersion.of(config.version());
        this.advertCentis = Advertisement.intervalCentis(config);
        this.preempt = config.preempt();
        this.preemptDelayNanos = config.preemptDelay().toNanos();
        this.lowerPriorityNoAdvert = config.lowerPrioNoAdvert();
        this.primary = source.getAddress();
        this.priority = config.priority();
        this.masterAdvertCentis = advertCentis;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.actions = Objects.requireNonNull(actions, "actions");
        if (version == VrrpVersion.V2 && !(source instanceof Inet4Address)) {
            throw new IllegalArgumentException("VRRPv2 is IPv4 only");
        }
    }

    /**
     * Takes a changed configuration of the same virtual router (a reload) without a
     * transition: the advert interval ({@code advert_int}), preemption, {@code preempt_delay} and
     * {@code lower_prio_no_advert} apply from now on. A master sends its next advert no later
     * than one new interval from now; a backup's master-down interval follows the new interval
     * from the next advert it accepts (v2), or keeps following the master's (v3). The priority is
     * set apart ({@link #priority(int)}).
     *
     * @param config the instance's settings; its version and source address must be this machine's
     * @throws IllegalArgumentException if the version or the source address differ
     */
    public void reconfigure(VrrpInstanceConfig config) {
        InetAddress source = config.sourceAddress().orElse(null);
        if (VrrpVersion.of(config.version()) != version || source == null
                || !Arrays.equals(source.getAddress(), primary)) {
            throw new IllegalArgumentException("VRRP instance " + config.name()
                    + ": a new version or source address makes a new virtual router");
        }
        int interval = Advertisement.intervalCentis(config);
        long now = clock.nanoTime();
        if (interval != advertCentis && state == VrrpState.MASTER
                && advertDeadline - now > interval * NANOS_PER_CENTI) {
            advertDeadline = now + interval * NANOS_PER_CENTI;
        }
        advertCentis = interval;
        preempt = config.preempt();
        preemptDelayNanos = config.preemptDelay().toNanos();
        lowerPriorityNoAdvert = config.lowerPrioNoAdvert();
    }

    /**
     * Sets the sync-group gate consulted when the master-down timer expires.
     *
     * @param value the gate, or null for none
     */
    public void gate(MasterGate value) {
        gate = value;
    }

    /** @return the current state */
    public VrrpState state() {
        return state;
    }

    /** @return the effective priority */
    public int priority() {
        return priority;
    }

    /** @return the interval this backup expects from the master, in centiseconds (v3 adopts it) */
    public int masterAdvertIntervalCentis() {
        return masterAdvertCentis;
    }

    /** @return the time of the next {@link #tick()} wanted, or {@link Long#MAX_VALUE} for none */
    public long nextDeadline() {
        return switch (state) {
            case MASTER -> advertDeadline;
            case BACKUP -> downDeadline;
            default -> Long.MAX_VALUE;
        };
    }

    /** @return true when a backup's master-down timer has run out (it may be waiting for its group) */
    public boolean masterDownExpired() {
        return state == VrrpState.BACKUP && (waitingForGroup || downDeadline - clock.nanoTime() <= 0);
    }

    /** @return the skew time in nanoseconds at the current priority */
    public long skewNanos() {
        return version == VrrpVersion.V2
                ? (256L - priority) * 1_000_000_000L / 256
                : (256L - priority) * masterAdvertCentis * NANOS_PER_CENTI / 256;
    }

    /** @return the master-down interval in nanoseconds at the current priority */
    public long masterDownNanos() {
        int interval = version == VrrpVersion.V2 ? advertCentis : masterAdvertCentis;
        return 3L * interval * NANOS_PER_CENTI + skewNanos();
    }

    /** Leaves {@link VrrpState#INITIALIZE}: to master for the address owner, else to backup (or fault). */
    public void start() {
        if (state != VrrpState.INITIALIZE) {
            return;
        }
        long now = clock.nanoTime();
        if (fault) {
            transition(VrrpState.FAULT);
        } else if (priority == 255) {
            becomeMaster(now);
        } else {
            becomeBackup(now);
            // keepalived: the preempt delay also runs from startup.
            preemptAt = preemptDelayNanos > 0 ? now + preemptDelayNanos : UNSET;
        }
    }

    /** Stops: a master sends a priority-0 advert and releases the addresses. */
    public void shutdown() {
        if (state == VrrpState.INITIALIZE) {
            return;
        }
        if (state == VrrpState.MASTER) {
            actions.sendAdvert(0);
            actions.release();
        }
        waitingForGroup = false;
        transition(VrrpState.INITIALIZE);
    }

    /**
     * Handles a validated advert for this virtual router.
     *
     * @param advertPriority the sender's priority
     * @param intervalCentis the sender's interval in centiseconds
     * @param sender the sender's primary address (the IP source), 4 or 16 bytes
     */
    public void advert(int advertPriority, int intervalCentis, byte[] sender) {
        long now = clock.nanoTime();
        if (state == VrrpState.BACKUP) {
            if (advertPriority == 0) {
                waitingForGroup = false;
                downDeadline = now + skewNanos();
            } else if (!preempt || advertPriority >= priority) {
                if (advertPriority >= priority) {
                    preemptAt = UNSET;
                }
                acceptMaster(now, intervalCentis);
            } else if (preemptDelayNanos > 0) {
                if (preemptAt == UNSET) {
                    preemptAt = now + preemptDelayNanos;
                }
                if (now - preemptAt < 0) {
                    acceptMaster(now, intervalCentis);
                }
            }
        } else if (state == VrrpState.MASTER) {
            if (advertPriority == 0) {
                actions.sendAdvert(priority);
                advertDeadline = now + advertCentis * NANOS_PER_CENTI;
            } else if (advertPriority > priority
                    || advertPriority == priority && Arrays.compareUnsigned(sender, primary) > 0) {
                if (version == VrrpVersion.V3) {
                    masterAdvertCentis = intervalCentis;
                }
                actions.release();
                stepDown(now);
            } else {
                if (!lowerPriorityNoAdvert) {
                    actions.sendAdvert(priority);
                }
                actions.heardLowerPriority();
            }
        }
    }

    private void acceptMaster(long now, int intervalCentis) {
        if (version == VrrpVersion.V3) {
            masterAdvertCentis = intervalCentis;
        }
        waitingForGroup = false;
        downDeadline = now + masterDownNanos();
    }

    /** Fires the timers that are due: a master's advert, a backup's master-down timer. */
    public void tick() {
        long now = clock.nanoTime();
        if (state == VrrpState.MASTER && now - advertDeadline >= 0) {
            actions.sendAdvert(priority);
            advertDeadline = now + advertCentis * NANOS_PER_CENTI;
        } else if (state == VrrpState.BACKUP && !waitingForGroup && now - downDeadline >= 0) {
            if (gate != null && !gate.mayBecomeMaster(this)) {
                waitingForGroup = true;
                downDeadline = Long.MAX_VALUE;
            } else {
                becomeMaster(now);
            }
        }
    }

    /**
     * Changes the effective priority (tracking weights). Takes effect in the next advert and the
     * next timer set; a master whose priority drops keeps being master until a better advert
     * arrives, as in keepalived.
     *
     * @param value 1-255
     */
    public void priority(int value) {
        if (value < 1 || value > 255) {
            throw new IllegalArgumentException("priority out of 1-255: " + value);
        }
        priority = value;
    }

    /**
     * Sets or clears the fault condition (a tracked interface or script failed).
     *
     * @param value true to enter fault, false to leave it (to backup, or master for the owner)
     */
    public void fault(boolean value) {
        if (fault == value) {
            return;
        }
        fault = value;
        long now = clock.nanoTime();
        if (value) {
            if (state == VrrpState.MASTER) {
                actions.sendAdvert(0);
                actions.release();
            }
            if (state != VrrpState.INITIALIZE) {
                waitingForGroup = false;
                transition(VrrpState.FAULT);
            }
        } else if (state == VrrpState.FAULT) {
            if (priority == 255) {
                becomeMaster(now);
            } else {
                becomeBackup(now);
            }
        }
    }

    /** @return whether the fault condition is set */
    public boolean faulted() {
        return fault;
    }

    /** Sync groups: a backup becomes master now, as its group does. */
    public void forceMaster() {
        if (state == VrrpState.BACKUP) {
            becomeMaster(clock.nanoTime());
        }
    }

    /** Sync groups: a master steps down to backup now, as its group does. */
    public void forceBackup() {
        if (state == VrrpState.MASTER) {
            actions.release();
            stepDown(clock.nanoTime());
        }
    }

    private void becomeMaster(long now) {
        waitingForGroup = false;
        preemptAt = UNSET;
        actions.sendAdvert(priority);
        actions.takeOver();
        advertDeadline = now + advertCentis * NANOS_PER_CENTI;
        transition(VrrpState.MASTER);
    }

    private void becomeBackup(long now) {
        masterAdvertCentis = advertCentis;
        waitingForGroup = false;
        preemptAt = UNSET;
        downDeadline = now + masterDownNanos();
        transition(VrrpState.BACKUP);
    }

    private void stepDown(long now) {
        waitingForGroup = false;
        preemptAt = UNSET;
        downDeadline = now + masterDownNanos();
        transition(VrrpState.BACKUP);
    }

    private void transition(VrrpState to) {
        VrrpState from = state;
        state = to;
        if (from != to) {
            actions.stateChanged(from, to, priority);
        }
    }
}
