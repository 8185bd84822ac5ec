/**
 * The dashboard page's script, plain browser JavaScript: polls `dashboard/data` every second and
 * redraws the tables and inline SVG charts. Text from the server is only ever set as `textContent`
 * or SVG attributes, never parsed as HTML.
 */
export const DASHBOARD_SCRIPT = `
'use strict';
const SVG = 'http://www.w3.org/2000/svg';
const STATE_COLOR = { closed: '#2e9e5b', 'half-open': '#e0a100', open: '#d23b3b' };
const PALETTE = ['#3b7dd8', '#8e5bd2', '#1aa3a3', '#d2762b', '#6b8e23', '#c2417a'];
const $ = (id) => document.getElementById(id);
const colors = {};
const colorOf = (id) => (colors[id] ??= PALETTE[Object.keys(colors).length % PALETTE.length]);

function el(tag, attributes, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const pct = (value) => (value * 100).toFixed(1) + '%';

function endpointTable(data) {
  const body = $('endpoints');
  body.replaceChildren();
  for (const endpoint of data.endpoints) {
    const row = el('tr', { 'data-endpoint': endpoint.endpointId });
    const latency = endpoint.latency;
    const cells = [
      endpoint.endpointId,
      endpoint.region + ' / ' + endpoint.kind,
      null,
      endpoint.active + ' / ' + endpoint.queued,
      pct(endpoint.recent.errorRate) + ' of ' + endpoint.recent.attempts,
      endpoint.recent.skipped,
      latency ? latency.p50 + ' / ' + latency.p99 + ' ms' : '-',
      endpoint.usage.requests + ' req, ' + endpoint.usage.tokens + ' tok',
    ];
    for (const cell of cells) {
      if (cell !== null) { row.append(el('td', {}, cell)); continue; }
      const badge = el('span', { class: 'badge', 'data-breaker': endpoint.breaker }, endpoint.breaker);
      badge.style.background = STATE_COLOR[endpoint.breaker];
      const td = el('td');
      td.append(badge);
      row.append(td);
    }
    body.append(row);
  }
}

function breakerTimeline(data) {
  const width = 760, rowHeight = 22, left = 120;
  const ids = data.endpoints.map((endpoint) => endpoint.endpointId);
  const from = Math.max(data.startedAt, data.now - data.historySeconds * 1000);
  const span = Math.max(1, data.now - from);
  const x = (at) => left + ((Math.max(at, from) - from) / span) * (width - left);
  const svg = el('svg:svg', { viewBox: '0 0 ' + width + ' ' + (ids.length * rowHeight + 18), width: '100%' });
  ids.forEach((id, row) => {
    const y = row * rowHeight;
    svg.append(el('svg:text', { x: 0, y: y + 15, class: 'label' }, id));
    const changes = data.transitions.filter((t) => t.endpointId === id);
    changes.forEach((change, index) => {
      const end = index + 1 < changes.length ? changes[index + 1].at : data.now;
      if (end < from) return;
      const rect = el('svg:rect', {
        x: x(change.at), y: y + 3, height: rowHeight - 6,
        width: Math.max(1.5, x(end) - x(change.at)),
        fill: STATE_COLOR[change.state], 'data-endpoint': id, 'data-state': change.state,
      });
      rect.append(el('svg:title', {}, id + ' ' + change.state + ' from ' + clock(change.at)));
      svg.append(rect);
    });
  });
  const axisY = ids.length * rowHeight + 14;
  svg.append(el('svg:text', { x: left, y: axisY, class: 'axis' }, clock(from)));
  svg.append(el('svg:text', { x: width, y: axisY, class: 'axis', 'text-anchor': 'end' }, clock(data.now)));
  $('timeline').replaceChildren(svg);
  const log = $('transitions');
  log.replaceChildren();
  for (const change of data.transitions.filter((t) => t.at > data.startedAt).slice(-8).reverse())
    log.append(el('li', { 'data-state': change.state }, clock(change.at) + '  ' + change.endpointId + ' -> ' + change.state));
}

function trafficChart(data) {
  const width = 760, height = 120, seconds = 120;
  const last = Math.floor(data.now / 1000);
  const bySecond = new Map(data.traffic.map((bucket) => [bucket.second, bucket]));
  let peak = 1;
  const totals = {};
  for (const bucket of data.traffic) {
    let sum = 0;
    for (const [id, count] of Object.entries(bucket.served)) { sum += count; totals[id] = (totals[id] || 0) + count; }
    peak = Math.max(peak, sum);
  }
  const barWidth = width / seconds;
  const svg = el('svg:svg', { viewBox: '0 0 ' + width + ' ' + height, width: '100%' });
  for (let index = 0; index < seconds; index++) {
    const bucket = bySecond.get(last - seconds + 1 + index);
    if (!bucket) continue;
    let top = height;
    for (const [id, count] of Object.entries(bucket.served)) {
      const h = (count / peak) * (height - 4);
      top -= h;
      svg.append(el('svg:rect', { x: index * barWidth, y: top, width: barWidth - 1, height: h, fill: colorOf(id) }));
    }
    if (bucket.failovers > 0)
      svg.append(el('svg:circle', { cx: index * barWidth + barWidth / 2, cy: 5, r: 3, fill: STATE_COLOR.open }));
  }
  $('traffic').replaceChildren(svg);
  const all = Object.values(totals).reduce((a, b) => a + b, 0) || 1;
  const legend = $('split');
  legend.replaceChildren();
  for (const [id, count] of Object.entries(totals)) {
    const item = el('li', { 'data-endpoint': id }, id + ' ' + pct(count / all) + ' (' + count + ')');
    item.style.borderLeft = '12px solid ' + colorOf(id);
    legend.append(item);
  }
}

function barList(target, entries, unit, color) {
  const peak = Math.max(1, ...entries.map((entry) => entry[1]));
  const list = $(target);
  list.replaceChildren();
  if (entries.length === 0) list.append(el('p', { class: 'empty' }, 'none yet'));
  for (const [name, value, key] of entries) {
    const row = el('div', { class: 'bar', 'data-key': key || name });
    row.append(el('span', { class: 'name' }, name));
    const fill = el('span', { class: 'fill' });
    fill.style.width = (value / peak) * 60 + '%';
    fill.style.background = color || colorOf(key || name);
    row.append(fill, el('span', { class: 'value' }, value + unit));
    list.append(row);
  }
}

function draw(data) {
  endpointTable(data);
  breakerTimeline(data);
  trafficChart(data);
  barList('failovers', Object.entries(data.failoversByReason).sort((a, b) => b[1] - a[1]), '', '#d2762b');
  barList('routes', Object.entries(data.failoverRoutes).sort((a, b) => b[1] - a[1]), '', '#8e5bd2');
  const latency = [];
  for (const endpoint of data.endpoints)
    if (endpoint.latency) {
      latency.push([endpoint.endpointId + ' p50', endpoint.latency.p50, endpoint.endpointId]);
      latency.push([endpoint.endpointId + ' p99', endpoint.latency.p99, endpoint.endpointId]);
    }
  barList('latency', latency, ' ms');
  barList('capacity', data.endpoints.map((e) => [e.endpointId, e.usage.tokens, e.endpointId]), ' tok/min');
  $('updated').textContent = 'updated ' + clock(data.now) + ' - chains: ' + data.chains.join(', ');
  $('updated').dataset.live = 'true';
}

async function poll() {
  try {
    const response = await fetch('dashboard/data', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    draw(await response.json());
    $('error').textContent = '';
  } catch (error) {
    $('error').textContent = 'cannot load data: ' + error.message;
  }
  setTimeout(poll, 1000);
}
poll();
`;
