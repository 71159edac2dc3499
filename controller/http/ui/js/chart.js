// Queries per second over the last hour as an SVG line chart, drawn at the container's
// pixel width (text stays readable in a narrow window) and redrawn when that width changes.
import { h, svg, clear } from './dom.js';

function niceCeil(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

function fmt(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(v >= 1e7 ? 0 : 1) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(v >= 1e4 ? 0 : 1) + 'k';
  if (v >= 10 || Number.isInteger(v)) return Math.round(v).toString();
  return String(Number(v.toFixed(v < 1 ? 2 : 1)));
}

function clock(t) {
  const d = new Date(t * 1000);
  return d.toISOString().slice(11, 16);
}

export function summarize(points) {
  const vals = points.map((p) => Number(p.qps) || 0);
  if (vals.length === 0) return { current: 0, peak: 0, avg: 0 };
  const sum = vals.reduce((a, b) => a + b, 0);
  return { current: vals[vals.length - 1], peak: Math.max(...vals), avg: sum / vals.length };
}

function draw(box, points, width) {
  const H = 200;
  const pad = { l: 44, r: 12, t: 12, b: 26 };
  const W = Math.max(260, width);
  const end = points.length ? Number(points[points.length - 1].t) : Math.floor(Date.now() / 1000);
  const start = end - 3600;
  const max = niceCeil(Math.max(0, ...points.map((p) => Number(p.qps) || 0)));
  const x = (t) => pad.l + ((t - start) / 3600) * (W - pad.l - pad.r);
  const y = (v) => pad.t + (1 - v / max) * (H - pad.t - pad.b);
  const s = summarize(points);
  const root = svg('svg', {
    width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart-svg',
    'aria-label': `Queries per second over the last hour: now ${fmt(s.current)}, peak ${fmt(s.peak)}, average ${fmt(s.avg)}`,
  });
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    root.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, fmt(v)));
  }
  const ticks = W < 420 ? [0, 30, 60] : [0, 15, 30, 45, 60];
  for (const m of ticks) {
    const t = start + m * 60;
    root.append(svg('text', { x: x(t), y: H - 8, 'text-anchor': m === 0 ? 'start' : m === 60 ? 'end' : 'middle', class: 'axis' },
      m === 60 ? 'now' : clock(t)));
  }
  const inRange = points.filter((p) => Number(p.t) >= start);
  if (inRange.length > 0) {
    const line = inRange.map((p, i) => `${i ? 'L' : 'M'}${x(Number(p.t)).toFixed(1)},${y(Number(p.qps) || 0).toFixed(1)}`).join(' ');
    const first = x(Number(inRange[0].t)).toFixed(1);
    const last = x(Number(inRange[inRange.length - 1].t)).toFixed(1);
    root.append(svg('path', { d: `${line} L${last},${y(0)} L${first},${y(0)} Z`, class: 'area' }),
      svg('path', { d: line, class: 'line' }));
  } else {
    root.append(svg('text', { x: (pad.l + W - pad.r) / 2, y: H / 2, 'text-anchor': 'middle', class: 'nodata' }, 'No query statistics yet'));
  }
  root.append(svg('line', { x1: pad.l, x2: pad.l, y1: pad.t, y2: H - pad.b, class: 'axis-line' }),
    svg('line', { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: 'axis-line' }));
  clear(box).append(root);
}

let liveObserver = null;

// Returns the chart element; `points` are {t: unix seconds, qps} oldest first.
export function qpsChart(points) {
  const s = summarize(points);
  const box = h('div', { class: 'chart-box' });
  const el = h('figure', { class: 'chart', testid: 'qps-chart' },
    h('figcaption', null,
      h('span', { class: 'chart-title' }, 'Queries per second, last hour'),
      h('span', { class: 'chart-stats' },
        h('span', null, 'now ', h('strong', { testid: 'qps-now' }, fmt(s.current))),
        h('span', null, 'peak ', h('strong', null, fmt(s.peak))),
        h('span', null, 'avg ', h('strong', null, fmt(s.avg))))),
    box);
  let lastWidth = 0;
  // One chart on screen at a time: the overview's refresh replaces it, so the old one's
  // observer goes with it.
  if (liveObserver) liveObserver.disconnect();
  const ro = new ResizeObserver((entries) => {
    const w = Math.floor(entries[0].contentRect.width);
    if (w > 0 && Math.abs(w - lastWidth) > 2) {
      lastWidth = w;
      draw(box, points, w);
    }
  });
  ro.observe(box);
  liveObserver = ro;
  return el;
}
