import type { BedRegistry } from "../beds.js";

/** The alarm engine's side of node presence (heartbeat and "disconnected" technical alarms). */
export interface PresenceAlarms {
  connected(
    bed: string,
    node: string,
    heartbeatMs: number,
    meta: { ward: string | null; patient: string | null },
  ): void;
  disconnected(bed: string, node: string): void;
}

/**
 * The one path by which a node, over TCP or MQTT, comes online for a bed and goes away: the bed
 * registry counts it, subscribers hear of the bed change, and the alarm engine watches its heartbeat
 * — but not for connections the gateway closes itself on the way down.
 */
export class NodePresence {
  private stopping = false;

  constructor(
    private readonly deps: {
      beds: BedRegistry;
      /** Absent when the alarm engine is off. */
      alarms: PresenceAlarms | undefined;
      heartbeatMs: number;
      /** A bed's connection count changed (the MQTT bridge republishes its state). */
      changed: (bed: string) => void;
      /** Learns which beds exist and which protocol-v1 nodes own. */
      admission?: { online(bed: string, node: string): void };
    },
  ) {}

  online(bed: string, node: string, meta: { ward: string | null; patient: string | null }): void {
    this.deps.admission?.online(bed, node);
    this.deps.beds.connected(bed, node, meta, 1);
    this.deps.changed(bed);
    this.deps.alarms?.connected(bed, node, this.deps.heartbeatMs, meta);
  }

  offline(bed: string, node: string): void {
    this.deps.beds.connected(bed, node, { ward: null, patient: null }, -1);
    this.deps.changed(bed);
    if (!this.stopping) this.deps.alarms?.disconnected(bed, node);
  }

  /** From now on, connections ending are the gateway shutting down, not nodes going missing. */
  shuttingDown(): void {
    this.stopping = true;
  }
}
