/**
 * Natural ordering for bed labels, so "Bed-2" comes before "Bed-10" and "ICU-B3" after "ICU-A12".
 * Digit runs compare by numeric value, everything else case-insensitively.
 */
const CHUNK = /(\d+)|(\D+)/g;

function chunks(label: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of label.matchAll(CHUNK)) {
    out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? "").toLowerCase());
  }
  return out;
}

export function compareBedLabels(a: string, b: string): number {
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i] as string | number;
    const y = cb[i] as string | number;
    if (x === y) continue;
    // A number sorts before text at the same position ("Bed 2" < "Bed A").
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  // Equal under natural order ("Bed-02" vs "Bed-2"): fall back to the raw text so the order is total.
  return a < b ? -1 : a > b ? 1 : 0;
}
