// node bench/report_open.js REPORT.html RUNS
// Opens the HTML report RUNS times in headless Chromium (Debian's /usr/bin/chromium or
// $TLSAUDIT_CHROMIUM, a fresh page each time, 1280x900) and prints, per run and as the
// median, the milliseconds from navigation start to: the file read (responseEnd), the
// page script done (the report sets body[data-ready]), the load event, and the first
// paint. Talks to nothing: the report is a file:// page with default-src 'none'.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const [file, runsArg] = process.argv.slice(2);
const runs = parseInt(runsArg || '5', 10);

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.TLSAUDIT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const rows = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto('file://' + path.resolve(file), { waitUntil: 'load', timeout: 120000 });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120000 });
      // The script sets data-ready as its last step, before the load event: DOMContentLoaded
      // ends after it, so domContentLoadedEventStart is when the page was ready.
      const t = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return { read: n.responseEnd, ready: n.domContentLoadedEventStart, load: n.loadEventEnd,
                 paint: paint ? paint.startTime : null };
      });
      rows.push(t);
      console.log(`run ${i + 1}: read ${t.read.toFixed(0)} ms, ready ${t.ready.toFixed(0)} ms, ` +
                  `load ${t.load.toFixed(0)} ms, first paint ${t.paint === null ? '-' : t.paint.toFixed(0) + ' ms'}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const median = (k) => { const v = rows.map((r) => r[k]).filter((x) => x !== null).sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : NaN; };
  console.log(`median: read ${median('read').toFixed(0)} ms, ready ${median('ready').toFixed(0)} ms, ` +
              `load ${median('load').toFixed(0)} ms, first paint ${median('paint').toFixed(0)} ms`);
})().catch((e) => { console.error(e); process.exit(1); });
