// node trend_check.js TREND.html SCREENSHOT.png
// Opens the history's trend report in headless Chromium and prints what it saw as JSON
// on stdout (cards, table rows, the burn-down bars and their drawn widths, the expiry
// charts' segments and their widths, requests,
// dialogs, errors): the C++ test judges it.
'use strict';
const path = require('path');
const { withPage } = require('./chromium_session');

const [file, shot] = process.argv.slice(2);

withPage({ width: 1200, height: 900 }, { requests: [], dialogs: [], page_errors: [] }, async (page, out) => {
  const url = 'file://' + path.resolve(file);
  page.on('request', (r) => { if (r.url() !== url) out.requests.push(r.url()); });
  page.on('dialog', async (d) => { out.dialogs.push(d.type() + ': ' + d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => out.page_errors.push(String(e)));
  await page.goto(url);
  out.title = await page.title();
  out.cards = await page.$$eval('.card', (cards) =>
    Object.fromEntries(cards.map((c) => [c.id, c.querySelector('.n').textContent])));
  out.rows = await page.$$eval('#trend-table tbody tr', (rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent)));
  out.fix = await page.$$eval('#fix-table tbody tr', (rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent)));
  out.charts = await page.$$eval('figure.burn-down', (figures) => figures.map((f) => ({
    id: f.dataset.id,
    values: [...f.querySelectorAll('.bar-value')].map((v) => Number(v.textContent)),
    widths: [...f.querySelectorAll('.bar')].map((b) => b.getBoundingClientRect().width),
  })));
  out.expiry_charts = await page.$$eval('figure.expiry-chart', (figures) => figures.map((f) => ({
    rule: f.dataset.rule,
    legend: [...f.querySelectorAll('.legend > span')].map((l) => l.textContent),
    rows: [...f.querySelectorAll('.bar-row')].map((r) => ({
      total: Number(r.querySelector('.bar-value').textContent),
      segments: [...r.querySelectorAll('.bar')].map((b) => ({
        bucket: b.dataset.bucket, title: b.title, width: b.getBoundingClientRect().width })),
    })),
  })));
  out.incomplete_labels = await page.$$eval('.bar-label.incomplete-scan', (labels) => labels.length);
  out.scripts = await page.$$eval('script', (s) => s.length);
  out.horizontal_overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  await page.screenshot({ path: shot, fullPage: true });
});
