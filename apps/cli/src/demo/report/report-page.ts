import type { ReportData } from './report-recorder.js';
import { endpointCounts, failoversByReason } from './report-summary.js';
import { ENDPOINT_COLOURS, escapeHtml, timelineSvg } from './report-timeline.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2937;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.details{color:#4b5563;margin:0 0 16px}.details span{margin-right:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #e5e7eb;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse}td,th{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left}td.n{text-align:right}
#timeline{width:100%;max-width:1100px;height:auto;border:1px solid #e5e7eb;border-radius:6px}
.grid{stroke:#f3f4f6}.tick,.lane-sub{font-size:11px;fill:#6b7280}.lane-label{font-size:13px;font-weight:600}
.lane-bg{fill:#f9fafb}.breaker-open{fill:#fecaca}.breaker-half-open{fill:#fde68a}
.attempt-success{fill:#16a34a}.attempt-throttled{fill:#f59e0b}.attempt-failure{fill:#dc2626}
.attempt-spilled{fill:#7c3aed}.attempt-skipped{fill:none;stroke:#9ca3af;stroke-width:1.5}
.failover{stroke:#7c3aed;stroke-dasharray:3 3;stroke-width:1.5}
.legend span{display:inline-flex;align-items:center;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:5px;border-radius:2px}
.hidden{display:none}#tip{position:fixed;pointer-events:none;background:#111827;color:#fff;padding:4px 8px;border-radius:4px;font-size:12px;display:none}
`;

// Tooltips and outcome filters; the page reads nothing from the network.
const SCRIPT = `
const tip = document.getElementById('tip');
document.getElementById('timeline').addEventListener('mousemove', (event) => {
  const text = event.target.getAttribute && event.target.getAttribute('data-tip');
  if (!text) { tip.style.display = 'none'; return; }
  tip.textContent = text; tip.style.display = 'block';
  tip.style.left = event.clientX + 12 + 'px'; tip.style.top = event.clientY + 12 + 'px';
});
document.getElementById('timeline').addEventListener('mouseleave', () => { tip.style.display = 'none'; });
for (const box of document.querySelectorAll('input[data-outcome]')) {
  box.addEventListener('change', () => {
    for (const mark of document.querySelectorAll('.attempt-' + box.dataset.outcome)) mark.classList.toggle('hidden', !box.checked);
  });
}
const data = JSON.parse(document.getElementById('report-data').textContent);
document.getElementById('generated').textContent = 'generated ' + new Date(data.generatedAt).toLocaleString();
`;

/** The report as one self-contained HTML page: inline CSS, SVG and script, no network. */
export function reportPage(data: ReportData): string {
  const counts = endpointCounts(data);
  const total = (key: 'served' | 'throttled' | 'spilled' | 'breakerOpened') =>
    counts.reduce((sum, endpoint) => sum + endpoint[key], 0);
  const failovers = failoversByReason(data);
  const failoverTotal = Object.values(failovers).reduce((sum, count) => sum + count, 0);
  const card = (id: string, label: string, value: number | string) =>
    `<div class="card" id="${id}"><b>${escapeHtml(String(value))}</b>${escapeHtml(label)}</div>`;
  const legend = [
    ['success', 'served', '#16a34a'],
    ['throttled', 'throttled', '#f59e0b'],
    ['failure', 'other failure', '#dc2626'],
    ['spilled', 'spilled (no room)', '#7c3aed'],
    ['skipped', 'skipped (breaker open)', '#9ca3af'],
  ]
    .map(
      ([outcome, label, colour]) =>
        `<span><input type="checkbox" checked data-outcome="${outcome}"><i style="background:${colour}"></i>${label}</span>`,
    )
    .join('');
  const rows = counts
    .map(
      (endpoint, index) =>
        `<tr data-endpoint="${escapeHtml(endpoint.endpointId)}"><td><i style="display:inline-block;width:10px;height:10px;background:${ENDPOINT_COLOURS[index % ENDPOINT_COLOURS.length]}"></i> ${escapeHtml(endpoint.endpointId)}</td><td class="n">${endpoint.served}</td><td class="n">${endpoint.throttled}</td><td class="n">${endpoint.failed}</td><td class="n">${endpoint.spilled}</td><td class="n">${endpoint.circuitOpen}</td><td class="n">${endpoint.breakerOpened}</td></tr>`,
    )
    .join('');
  const events = data.events
    .map((event) => {
      const what =
        event.type === 'failover'
          ? `failover ${event.from} → ${event.to ?? '(none left)'} (${event.reason}${event.resumed ? ', resumed' : ''})`
          : `breaker ${event.endpointId} ${event.state}`;
      return `<tr class="event event-${event.type}"><td class="n">${(event.atMs / 1000).toFixed(2)} s</td><td>${escapeHtml(what)}</td></tr>`;
    })
    .join('');
  const details = Object.entries(data.details)
    .map(([name, value]) => `<span>${escapeHtml(name)}: <b>${escapeHtml(value)}</b></span>`)
    .join('');
  // `<` escaped so that no string in the data can end the script element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="details">${details}<span>duration: <b>${(data.durationMs / 1000).toFixed(1)} s</b></span><span id="generated"></span></p>
<div class="cards">${card('served', 'requests served', total('served'))}${card('failovers', 'failovers', failoverTotal)}${card('throttles', 'throttles', total('throttled'))}${card('spills', 'spills', total('spilled'))}${card('breaker-opens', 'breaker opens', total('breakerOpened'))}</div>
<h2>Timeline</h2>
<p class="legend">${legend}<span><i style="background:#fecaca"></i>breaker open</span><span><i style="background:#fde68a"></i>breaker half-open</span><span><i style="background:#7c3aed;height:2px"></i>failover</span></p>
${timelineSvg(data)}
<h2>Endpoints</h2>
<table id="endpoints"><thead><tr><th>endpoint</th><th>served</th><th>throttled</th><th>other failures</th><th>spilled</th><th>skipped (breaker open)</th><th>breaker opens</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Failovers by reason</h2>
<p id="failover-reasons">${
    Object.entries(failovers)
      .map(([reason, count]) => `${escapeHtml(reason)}: ${count}`)
      .join(', ') || 'none'
  }</p>
<h2>Events</h2>
<table id="events"><tbody>${events || '<tr><td>no failovers or breaker changes</td></tr>'}</tbody></table>
<div id="tip"></div>
<script type="application/json" id="report-data">${json}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
