/**
 * A small static SVG chart: lines (broken where a value is null), dots and labelled horizontal lines
 * on linear axes. Enough for a report that opens in any browser with no script and no dependency.
 */
export interface Series {
  label: string;
  color: string;
  /** [x, y]; y null breaks a line. */
  points: [number, number | null][];
  kind: "line" | "dots";
}

export interface HorizontalLine {
  y: number;
  label: string;
  color: string;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  hlines?: HorizontalLine[];
  width?: number;
  height?: number;
  /** Fixed y range; otherwise from the data (with 5 % margin). */
  yRange?: [number, number];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** Round tick steps (1, 2, 5 × 10^k) giving about `count` ticks over [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function svgChart(spec: ChartSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 260;
  const m = { left: 60, right: 20, top: 30, bottom: 40 };
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [
    ...spec.series.flatMap((s) => s.points.flatMap((p) => (p[1] === null ? [] : [p[1]]))),
    ...(spec.hlines ?? []).map((h) => h.y),
  ];
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  let [y0, y1] = spec.yRange ?? [ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1];
  if (!spec.yRange) {
    const pad = (y1 - y0 || 1) * 0.05;
    y0 -= pad;
    y1 += pad;
  }
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const sy = (y: number) => height - m.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${m.left}" y="18" font-size="13" font-weight="bold">${esc(spec.title)}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#999"/>`,
  ];
  for (const t of ticks(x0, x1)) {
    parts.push(
      `<line x1="${sx(t).toFixed(1)}" y1="${height - m.bottom}" x2="${sx(t).toFixed(1)}" y2="${height - m.bottom + 4}" stroke="#999"/>`,
      `<text x="${sx(t).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle">${num(t)}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<line x1="${m.left}" y1="${sy(t).toFixed(1)}" x2="${width - m.right}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${m.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${num(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${(width / 2).toFixed(0)}" y="${height - 6}" text-anchor="middle">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(14 ${(height / 2).toFixed(0)}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  for (const h of spec.hlines ?? []) {
    parts.push(
      `<line x1="${m.left}" y1="${sy(h.y).toFixed(1)}" x2="${width - m.right}" y2="${sy(h.y).toFixed(1)}" stroke="${h.color}"${h.dashed ? ' stroke-dasharray="5 4"' : ""}/>`,
      `<text x="${width - m.right - 4}" y="${(sy(h.y) - 3).toFixed(1)}" text-anchor="end" fill="${h.color}">${esc(h.label)}</text>`,
    );
  }
  for (const s of spec.series) {
    if (s.kind === "dots") {
      for (const [x, y] of s.points)
        if (y !== null)
          parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      continue;
    }
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1)
        parts.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="1.3" points="${run.join(" ")}"/>`,
        );
      run = [];
    };
    for (const [x, y] of s.points) {
      if (y === null) flush();
      else run.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    }
    flush();
  }
  spec.series.forEach((s, i) => {
    const x = m.left + 10 + i * 170;
    parts.push(
      `<rect x="${x}" y="${m.top + 6}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="${m.top + 15}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
