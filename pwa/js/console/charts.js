// Bar charts drawn here as SVG (no third-party scripts): a title and a summary for screen readers, the
// numbers on the bars, and always the table with the same numbers next to it.

import { h, svg } from '../ui.js';

let chartCount = 0;

/**
 * A bar chart: title, labels, one or two series [{name, values, className}], summary (the SVG's desc).
 * Returns a <figure> with the SVG; the caller adds the table with the same numbers.
 */
export function barChart({ title, labels, series, summary }) {
  chartCount += 1;
  const id = `chart-${chartCount}`;
  const width = Math.max(320, labels.length * 56 * series.length);
  const height = 220;
  const top = 24; const bottom = 40; const left = 12;
  const max = Math.max(1, ...series.flatMap((one) => one.values));
  const slot = (width - left * 2) / labels.length;
  const bar = Math.min(32, (slot - 8) / series.length);
  const scale = (v) => ((height - top - bottom) * v) / max;
  const bars = [];
  labels.forEach((label, i) => {
    series.forEach((one, k) => {
      const value = one.values[i];
      const x = left + i * slot + (slot - bar * series.length) / 2 + k * bar;
      const y = height - bottom - scale(value);
      bars.push(svg('rect', { class: `bar bar-${k}`, x, y, width: bar - 2, height: scale(value) }));
      bars.push(svg('text', { x: x + (bar - 2) / 2, y: y - 4, 'text-anchor': 'middle' }, value));
    });
    bars.push(svg('text', { x: left + i * slot + slot / 2, y: height - bottom + 16, 'text-anchor': 'middle' }, label));
  });
  const chart = svg('svg', { class: 'console-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, title), svg('desc', { id: `${id}-desc` }, summary),
    svg('line', { class: 'axis', x1: left, x2: width - left, y1: height - bottom, y2: height - bottom }), ...bars);
  const legend = series.length > 1 ? h('p', { class: 'console-legend', 'aria-hidden': 'true' },
    series.map((one, k) => h('span', { class: `legend legend-${k}` }, one.name))) : null;
  return h('figure', { class: 'console-figure' }, h('div', { class: 'chart-wrap' }, chart), legend);
}
