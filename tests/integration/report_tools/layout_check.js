// node layout_check.js REPORT.html ARTIFACT_PREFIX WIDTH...
// Opens the HTML report in headless Chromium (Debian's /usr/bin/chromium) at each WIDTH
// (px) and reports, as JSON on stdout, whether the page scrolls sideways
// (documentElement.scrollWidth against the viewport) and every element whose box
// extends past its container or the viewport: as loaded, with the first block of findings
// open, and on the detail of the endpoint with the longest finding text. Screenshots go to
// ARTIFACT_PREFIX-<width>.png. With the width "print", the page is laid out as printed
// (print media at the width of an A4 page's printable area, everything the print holds
// rendered). The C++ test judges the result.
'use strict';
const path = require('path');
const { withPage } = require('./chromium_session');

const [file, prefix, ...widths] = process.argv.slice(2);
const A4_PRINTABLE_PX = 700;  // 210 mm less the print stylesheet's margins, at 96 px per inch

// Runs in the page: the elements whose border box leaves their container's (or the
// viewport's) by more than a pixel, described well enough to find them.
function measure() {
  const vw = document.documentElement.clientWidth;
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const path = (e) => { const out = []; for (let x = e; x && x !== document.body && out.length < 4; x = x.parentElement) out.unshift(describe(x)); return out.join(' > '); };
  const scrolls = (x) => ['auto', 'scroll'].includes(getComputedStyle(x).overflowX);
  const inScroller = (e) => { for (let x = e.parentElement; x && x !== document.body; x = x.parentElement) if (scrolls(x)) return true; return false; };
  const past = [];
  let checked = 0;
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('script, noscript, option, head')) continue;
    if (!e.getClientRects().length) continue;  // not rendered (display: none, or inside it)
    if (inScroller(e)) continue;  // reached by scrolling its own box (checked as an element itself)
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    ++checked;
    const p = e.parentElement;
    const pr = p.getBoundingClientRect();
    const text = (e.textContent || '').slice(0, 60);
    if (r.right > vw + 1 || r.left < -1)
      past.push({ element: path(e), past: 'viewport', right: Math.round(r.right), limit: vw, text });
    else if (p !== document.body && (r.right > pr.right + 1 || r.left < pr.left - 1))
      past.push({ element: path(e), past: describe(p), right: Math.round(r.right), limit: Math.round(pr.right), text });
    if (past.length >= 20) break;
  }
  return {
    scroll_width: document.documentElement.scrollWidth, viewport_width: vw, inner_width: window.innerWidth,
    checked, past,
    bars: document.querySelectorAll('.bar').length,
    summary_items: document.querySelectorAll('#exec-summary li').length,
  };
}

withPage({ width: 1280, height: 900 }, { widths: {}, page_errors: [] }, async (page, out) => {
  page.on('pageerror', (e) => out.page_errors.push(String(e)));
  for (const w of widths) {
    const print = w === 'print';
    await page.setViewportSize({ width: print ? A4_PRINTABLE_PX : parseInt(w, 10), height: 900 });
    await page.emulateMedia({ media: print ? 'print' : 'screen' });
    const started = Date.now();
    await page.goto('file://' + path.resolve(file) + (print ? '#print' : ''));
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    const seen = await page.evaluate(measure);
    seen.load_ms = Date.now() - started;
    await page.screenshot({ path: prefix + '-' + w + '.png', fullPage: !print });
    if (!print) {
      // Open the first block of findings: its table of endpoints must fit too.
      await page.click('.action-head');
      seen.opened = await page.evaluate(measure);
      // Then the detail of the endpoint with the longest finding text (message and
      // certificate line): long names must wrap there as well.
      seen.detail_index = await page.evaluate(() => {
        const data = JSON.parse(document.getElementById('tlsaudit-data').textContent);
        let best = -1, longest = -1;
        data.endpoints.forEach((e, i) => e.findings.forEach((f) => {
          const n = f.message.length + (f.cert ? f.cert.subject.length : 0);
          if (n > longest) { longest = n; best = i; }
        }));
        if (best >= 0) location.hash = '#endpoint-' + best;
        return best;
      });
      if (seen.detail_index >= 0) {
        await page.waitForSelector('#detail:not([hidden]) .endpoint-detail', { timeout: 10000 });
        seen.detail = await page.evaluate(measure);
      }
    }
    out.widths[w] = seen;
    await page.goto('about:blank');
  }
});
