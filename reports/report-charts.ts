/**
 * Charts drawn on the server as SVG: no script, no inline style (the back office's CSP forbids
 * both), colours as presentation attributes and classes from admin.css. Each chart has a title
 * and a description that reads its data out, for screen readers; the tables beside it hold the
 * same figures. A hidden figure ("<5", "*") is drawn as a hatched stub, never as its value.
 */
export interface BarItem {
  label: string;
  /** The value to draw; null when the figure is hidden. */
  value: number | null;
  /** What is written beside the bar: the figure as shown. */
  shown: string;
}

export interface LineSeries {
  name: string;
  /** One value per x label; null where the figure is hidden. */
  values: (number | null)[];
  /** Each figure as shown ("12", "<5", "*"). */
  shown: string[];
}

const WIDTH = 640;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function frame(id: string, title: string, desc: string, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${esc(id)}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc" ` +
    `viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${esc(id)}-title">${esc(title)}</title><desc id="${esc(id)}-desc">${esc(desc)}</desc>` +
    `<defs><pattern id="${esc(id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<line x1="0" y1="0" x2="0" y2="6" stroke="#7a857f" stroke-width="2"/></pattern></defs>${body}</svg>`
  );
}

/** Horizontal bars, one per item, each labelled above its bar (long Vietnamese labels fit). */
export function barChart(id: string, title: string, items: BarItem[]): string {
  const ROW = 42;
  const LEFT = 8;
  const room = WIDTH - LEFT - 64;
  const max = Math.max(1, ...items.map((i) => i.value ?? 0));
  const rows = items.map((item, i) => {
    const y = 8 + i * ROW;
    const label = `<text class="chart-label" x="${LEFT}" y="${y + 12}">${esc(item.label)}</text>`;
    if (item.value === null) {
      return `${label}<rect x="${LEFT}" y="${y + 17}" width="28" height="16" fill="url(#${esc(id)}-hatch)" stroke="#7a857f"/>` +
        `<text class="chart-value" x="${LEFT + 36}" y="${y + 30}">${esc(item.shown)}</text>`;
    }
    const w = Math.max(2, Math.round((item.value / max) * room));
    return `${label}<rect class="chart-bar" x="${LEFT}" y="${y + 17}" width="${w}" height="16" fill="#0b6b3a"/>` +
      `<text class="chart-value" x="${LEFT + w + 8}" y="${y + 30}">${esc(item.shown)}</text>`;
  });
  const desc = items.map((i) => `${i.label}: ${i.shown}`).join('; ');
  return frame(id, title, desc, 16 + items.length * ROW, rows.join(''));
}

const COLOURS = ['#0b6b3a', '#8a2d5c', '#1a56db'];
const DASHES = ['', ' stroke-dasharray="8 5"', ' stroke-dasharray="2 4"'];

/** A nice axis maximum, divisible by 5 for whole ticks: 5, 10, 20, 25, 50, 100… at or above `n`. */
function niceMax(n: number): number {
  const base = 10 ** Math.floor(Math.log10(Math.max(n, 1)));
  return ([1, 2, 2.5, 5, 10].map((f) => f * base).find((v) => v >= n) ?? 10 * base) || 5;
}

/** A line per series across the x labels (months); hidden points break the line and are marked. */
export function lineChart(id: string, title: string, xLabels: string[], series: LineSeries[]): string {
  const H = 280;
  const [left, right, top, bottom] = [44, 16, 24 + series.length * 20, 36];
  const max = niceMax(Math.max(5, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (i: number) => left + (i * (WIDTH - left - right)) / Math.max(1, xLabels.length - 1);
  const y = (v: number) => H - bottom - (v / max) * (H - top - bottom);
  const grid = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => {
    const v = Math.round(max * f);
    return `<line x1="${left}" x2="${WIDTH - right}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d7d2"/><text class="chart-axis" x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`;
  });
  const ticks = xLabels.map((l, i) => `<text class="chart-axis" x="${x(i)}" y="${H - 12}" text-anchor="middle">${esc(l)}</text>`);
  const lines = series.map((s, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    const segments: string[] = [];
    let run: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null) {
        if (run.length > 1) segments.push(run.join(' '));
        run = [];
      } else run.push(`${x(i)},${y(v)}`);
    });
    if (run.length > 1) segments.push(run.join(' '));
    const path = segments.map((p) => `<polyline points="${p}" fill="none" stroke="${colour}" stroke-width="3"${DASHES[k % DASHES.length]}/>`).join('');
    const dots = s.values.map((v, i) =>
      v === null
        ? `<text class="chart-hidden" x="${x(i)}" y="${y(0) - 6 - k * 12}" text-anchor="middle" fill="${colour}">${esc(s.shown[i] ?? '')}</text>`
        : `<circle cx="${x(i)}" cy="${y(v)}" r="4" fill="${colour}"/>`,
    );
    const legend = `<line x1="${left}" x2="${left + 28}" y1="${12 + k * 20}" y2="${12 + k * 20}" stroke="${colour}" stroke-width="3"${DASHES[k % DASHES.length]}/>` +
      `<text class="chart-label" x="${left + 34}" y="${16 + k * 20}">${esc(s.name)}</text>`;
    return path + dots.join('') + legend;
  });
  const desc = series.map((s) => `${s.name}: ${s.shown.map((v, i) => `${xLabels[i]} ${v}`).join(', ')}`).join('. ');
  return frame(id, title, desc, H, grid.join('') + ticks.join('') + lines.join(''));
}
