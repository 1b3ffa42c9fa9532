/**
 * `#bed=<bed>` opens that bed's dialog (notification messages link to it). Returns the bed, or null
 * for any other hash.
 */
export function bedFromHash(hash: string): string | null {
  const m = /^#bed=(.+)$/.exec(hash);
  if (!m) return null;
  try {
    const bed = decodeURIComponent(m[1] as string).trim();
    return bed.length > 0 && bed.length <= 64 ? bed : null;
  } catch {
    return null;
  }
}

export function hashForBed(bed: string): string {
  return `#bed=${encodeURIComponent(bed)}`;
}
