import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 16px; max-width: 1100px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; }
#updated { color: #666; } #error { color: #d23b3b; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; }
.badge { color: #fff; border-radius: 4px; padding: 1px 8px; font-weight: 600; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; }
.bar { display: flex; align-items: center; gap: 8px; margin: 2px 0; } .bar .name { width: 160px; flex: none; } .bar .value { white-space: nowrap; }
.bar .fill { display: inline-block; height: 12px; border-radius: 2px; } .empty { color: #888; }
svg text { font-size: 11px; fill: #444; } ul { padding-left: 0; list-style: none; } li { padding: 1px 6px; margin: 2px 0; }
li[data-state="open"] { color: #d23b3b; font-weight: 600; }
`;

const HTML_BODY = `
<h1>bedrock-ha</h1>
<div><span id="updated">loading...</span> <span id="error"></span></div>
<h2>Endpoints</h2>
<table><thead><tr><th>endpoint</th><th>region / kind</th><th>breaker</th><th>active / queued</th>
<th>error rate (60 s)</th><th>skipped (60 s)</th><th>p50 / p99</th><th>capacity use (this minute)</th></tr></thead>
<tbody id="endpoints"></tbody></table>
<h2>Breaker state over time</h2><div id="timeline"></div><ul id="transitions"></ul>
<h2>Traffic split (served per second, last 2 min; red dots: failovers)</h2><div id="traffic"></div><ul id="split"></ul>
<div class="grid">
<div><h2>Failovers by reason</h2><div id="failovers"></div></div>
<div><h2>Failovers by route</h2><div id="routes"></div></div>
<div><h2>Latency of served attempts (last minute)</h2><div id="latency"></div></div>
<div><h2>Capacity use: tokens this minute</h2><div id="capacity"></div></div>
</div>
`;

/** The page: one HTML document with its style and script inline, nothing loaded from elsewhere. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>bedrock-ha dashboard</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body>${HTML_BODY}<script>${DASHBOARD_SCRIPT}</script></body></html>
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Only the page's own inline script and style may run, and it may only call its own origin: an
 * endpoint id that somehow held markup still could not load or send anything.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${hash(DASHBOARD_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
