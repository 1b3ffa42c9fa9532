import type { AlarmCommandFrame } from "../../core/protocol/frames.js";
import type { NodePresence } from "./node-presence.js";
import type { NodeSession } from "./node-session.js";

/** The TCP sessions by node id: presence on attach/detach, the newest connection wins, bed commands. */
export class SessionDirectory {
  private readonly nodes = new Map<string, NodeSession>();

  constructor(private readonly presence: NodePresence) {}

  /** Registers the node as connected; returns the session it replaces, if any. */
  attach(session: NodeSession): NodeSession | undefined {
    const node = session.node as string;
    const h = session.hello;
    this.presence.online(session.bed as string, node, { ward: h?.ward ?? null, patient: h?.patient ?? null });
    if (!h) return undefined; // legacy clients may share a node id across connections
    const previous = this.nodes.get(node);
    this.nodes.set(node, session);
    return previous;
  }

  detach(session: NodeSession): void {
    const { node, bed } = session;
    if (!node || !bed) return;
    this.presence.offline(bed, node);
    if (this.nodes.get(node) === session) this.nodes.delete(node);
  }

  /** Sends a frame to every node connected for a bed (e.g. a bedside buzzer command). */
  sendToBed(bed: string, frame: AlarmCommandFrame): void {
    for (const s of this.nodes.values()) if (s.bed === bed) s.send(frame);
  }
}
