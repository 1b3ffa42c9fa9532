/** `::ffff:127.0.0.1` → `127.0.0.1`. */
export function normaliseAddress(a: string | undefined): string {
  return (a ?? "").replace(/^::ffff:/, "");
}

export function isLoopbackAddress(a: string | undefined): boolean {
  const x = normaliseAddress(a);
  return x === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(x);
}

/** A host to listen on that is this computer only. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || isLoopbackAddress(host);
}

/** A Host header naming this computer (so a DNS-rebound page cannot ride the demo's loopback trust). */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header);
  const name = (m?.[1] ?? "").replace(/^\[(.*)\]$/, "$1");
  return isLoopbackHost(name);
}
