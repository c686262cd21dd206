package org.overfitguard.contracts.events;

/** The two forms of ASHA (see {@link AshaSchedule}); lowercase on the wire. */
public enum AshaMode { STOPPING, PROMOTION }
