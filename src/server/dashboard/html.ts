// HTML building blocks of the dashboard: escaping (every value that came from
// an agent, a policy or a key name is escaped: actions are attacker-controlled
// text), the page layout with its navigation, and the decisions-over-time
// chart rendered as inline SVG on the server (no build step, no chart library).

export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const NAV = [
  ['/dashboard', 'Live feed'],
  ['/dashboard/approvals', 'Approvals'],
  ['/dashboard/audit', 'Audit'],
  ['/dashboard/profiles', 'Agents'],
  ['/dashboard/policy', 'Policy'],
] as const;

const STYLE = `
:root{--allow:#1a7f37;--deny:#cf222e;--ask:#9a6700;--bg:#f6f8fa;--fg:#1f2328;--mute:#656d76;--line:#d0d7de}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#24292f;color:#fff}
header a{color:#d0d7de;text-decoration:none}header a.on{color:#fff;font-weight:600}header .who{margin-left:auto;color:#9198a1}
header form{margin:0}header button{background:none;border:1px solid #57606a;color:#d0d7de;border-radius:4px;cursor:pointer}
main{padding:1em 1.2em;max-width:1400px}h1{font-size:1.3em;margin:.2em 0 .6em}h2{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}th,td{padding:.35em .6em;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600;font-size:.9em}td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88em;word-break:break-all}
.effect{font-weight:600;text-transform:uppercase;font-size:.85em}.allow{color:var(--allow)}.deny{color:var(--deny)}.ask{color:var(--ask)}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8em 1em;margin-bottom:1em}
.ok{color:var(--allow);font-weight:600}.bad{color:var(--deny);font-weight:600}.mute{color:var(--mute)}
button.approve{background:var(--allow);color:#fff;border:0;border-radius:4px;padding:.3em .8em;cursor:pointer}
button.deny{background:var(--deny);color:#fff;border:0;border-radius:4px;padding:.3em .8em;cursor:pointer;margin-left:.4em}
input,select,textarea{font:inherit;padding:.25em .4em;border:1px solid var(--line);border-radius:4px}
pre{background:#fff;border:1px solid var(--line);padding:.6em;overflow:auto;max-height:40em;font-size:.85em}
.totals span{margin-right:1.5em}.flash{padding:.5em .8em;border-radius:4px;background:#fff8c5;border:1px solid #d4a72c;margin-bottom:1em}
`;

export function page(opts: { title: string; path: string; who?: string; role?: string; csrf?: string; nonce: string; body: string; script?: string }): string {
  const nav = opts.who
    ? NAV.map(([href, label]) => `<a href="${href}"${href === opts.path ? ' class="on"' : ''}>${label}</a>`).join('') +
      `<span class="who">${esc(opts.who)} (${esc(opts.role)})</span><form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${esc(opts.csrf)}"><button>Log out</button></form>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="csrf-token" content="${esc(opts.csrf ?? '')}">
<title>${esc(opts.title)} · AgentWall</title><style>${STYLE}</style></head>
<body><header><strong>AgentWall</strong>${nav}</header><main>${opts.body}</main>
${opts.script ? `<script nonce="${opts.nonce}">${opts.script}</script>` : ''}
</body></html>`;
}

export function effectCell(effect: string): string {
  const e = ['allow', 'deny', 'ask'].includes(effect) ? effect : '';
  return `<span class="effect ${e}">${esc(effect)}</span>`;
}

export function time(ts: number): string {
  return new Date(ts).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Stacked bars of decisions per bucket by effect, with a time axis. */
export function chartSvg(buckets: Array<{ t: number; allow: number; deny: number; ask: number }>, bucketMs: number): string {
  const W = 900;
  const H = 220;
  const pad = { l: 48, r: 10, t: 20, b: 28 };
  const n = Math.max(1, buckets.length);
  const max = Math.max(1, ...buckets.map((b) => b.allow + b.deny + b.ask));
  const bw = (W - pad.l - pad.r) / n;
  const y = (v: number) => ((H - pad.t - pad.b) * v) / max;
  let bars = '';
  buckets.forEach((b, i) => {
    const x = pad.l + i * bw;
    let base = H - pad.b;
    for (const [k, color] of [['allow', '#1a7f37'], ['ask', '#9a6700'], ['deny', '#cf222e']] as const) {
      const h = y(b[k]);
      if (h <= 0) continue;
      base -= h;
      bars += `<rect x="${x.toFixed(1)}" y="${base.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${time(b.t)}: ${b[k]} ${k}</title></rect>`;
    }
  });
  const ticks = [0, Math.round(max / 2), max]
    .map((v) => `<text x="${pad.l - 6}" y="${(H - pad.b - y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text><line x1="${pad.l}" x2="${W - pad.r}" y1="${(H - pad.b - y(v)).toFixed(1)}" y2="${(H - pad.b - y(v)).toFixed(1)}" stroke="#d0d7de"/>`)
    .join('');
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const axis = first && last ? `<text x="${pad.l}" y="${H - 8}">${time(first.t).slice(11, 16)}</text><text x="${W - pad.r}" y="${H - 8}" text-anchor="end">${time(last.t).slice(11, 16)} UTC</text>` : '';
  const legend = `<g transform="translate(${pad.l},12)"><rect width="10" height="10" y="-9" fill="#1a7f37"/><text x="14">allow</text><rect x="60" width="10" height="10" y="-9" fill="#9a6700"/><text x="74">ask</text><rect x="110" width="10" height="10" y="-9" fill="#cf222e"/><text x="124">deny</text><text x="180" fill="#656d76">per ${bucketMs / 1000}s</text></g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="decisions over time by effect" font-family="system-ui,sans-serif" font-size="11">${ticks}${bars}${axis}${legend}</svg>`;
}
