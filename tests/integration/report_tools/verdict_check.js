// node verdict_check.js REPORT.html
// Opens the HTML report in headless Chromium and prints, as JSON, what its headline says:
// the verdict, the INCOMPLETE banner, the scan-error line, the baseline's resolved and
// not-verified lists, the executive summary's items and the scan table's rows.
'use strict';
const path = require('path');
const { withPage } = require('./chromium_session');

const [file] = process.argv.slice(2);

withPage({ width: 1200, height: 900 }, { page_errors: [] }, async (page, out) => {
  page.on('pageerror', (e) => out.page_errors.push(String(e)));
  await page.goto('file://' + path.resolve(file));
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  const visible = (selector) => page.$eval(selector, (e) => !e.hidden && !e.closest('[hidden]'));
  const items = (selector) => page.$$eval(selector + ' li', (lis) => lis.map((li) => li.textContent));
  out.verdict = await page.textContent('#verdict');
  out.incomplete_visible = await visible('#incomplete');
  out.incomplete = await page.textContent('#incomplete');
  out.verdict_class = await page.getAttribute('#verdict', 'class');
  out.scan_errors_visible = await visible('#scan-errors');
  out.scan_errors = await page.textContent('#scan-errors');
  out.resolved = await items('#resolved');
  out.not_verified_visible = await visible('#not-verified-section');
  out.not_verified = await items('#not-verified');
  out.summary = await items('#exec-summary');
  out.scan_line = await page.textContent('#scan-line');
  out.title = await page.title();
  out.meta = await page.$$eval('#meta-table tr', (rows) => rows.map((r) => r.textContent));
});
