// node browser_check.js REPORT.html SCREENSHOT.png FILTER_TEXT
// Opens the HTML report in headless Chromium (Debian's /usr/bin/chromium, fresh
// profile, no network features), exercises sorting, filtering, paging and the detail
// view, and prints what it saw as JSON on stdout: the C++ test judges it.
'use strict';
const path = require('path');
const { withPage } = require('./chromium_session');

const [file, shot, filterText] = process.argv.slice(2);

withPage({ width: 1400, height: 1000 }, { requests: [], dialogs: [], page_errors: [], console: [] }, async (page, out) => {
  const url = 'file://' + path.resolve(file);
  page.on('request', (r) => { if (r.url() !== url) out.requests.push(r.url()); });
  page.on('dialog', async (d) => { out.dialogs.push(d.type() + ': ' + d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => out.page_errors.push(String(e)));
  page.on('console', (m) => out.console.push(m.type() + ': ' + m.text()));
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  out.load_ms = Date.now() - started;
  const col = (i) => page.$$eval('#endpoint-table tbody tr', (rows, i) => rows.map((r) => r.children[i].textContent), i);
  out.verdict = await page.textContent('#verdict');
  out.rows = (await col(0)).length;
  out.page_info = await page.textContent('#page-info');
  out.match_count = await page.textContent('#match-count');
  out.card_labels = await page.$$eval('#cards .card span:last-child', (spans) => spans.map((s) => s.textContent));

  let t = Date.now();
  await page.click('#endpoint-table th[data-key="host"]');
  out.hosts_asc = await col(0);
  out.sort_ms = Date.now() - t;
  out.sort_attr_asc = await page.getAttribute('#endpoint-table th[data-key="host"]', 'aria-sort');
  await page.click('#endpoint-table th[data-key="host"]');
  out.hosts_desc = await col(0);
  await page.click('#endpoint-table th[data-key="port"]');
  out.ports_asc = (await col(1)).map((text) => parseInt(text, 10));
  out.starttls_cells_asc = await col(2);

  await page.fill('#filter', filterText);
  await page.waitForFunction((t) => {
    const rows = [...document.querySelectorAll('#endpoint-table tbody tr')];
    return rows.length > 0 && rows.every((r) => r.textContent.toLowerCase().includes(t.toLowerCase()));
  }, filterText, { timeout: 5000 }).catch(() => {});
  out.filtered_hosts = await col(0);
  out.filtered_count = await page.textContent('#match-count');
  // Open the detail of the first endpoint the filter left.
  const first = await page.$('#endpoint-table tbody tr');
  if (first) await first.click();
  await page.waitForSelector('#detail:not([hidden])', { timeout: 5000 }).catch(() => {});
  out.detail_visible = await page.isVisible('#detail');
  out.detail_text = await page.textContent('#detail');
  // The text filter is debounced: wait until clearing it shows every endpoint again.
  await page.fill('#filter', '');
  const allShown = () => {
    const parts = document.getElementById('match-count').textContent.split(' of ');
    return parts.length === 2 && parts[1].startsWith(parts[0] + ' ');
  };
  await page.waitForFunction(allShown, null, { timeout: 5000 });
  await page.selectOption('#status-filter', 'error');
  out.error_statuses = await col(4);
  await page.selectOption('#status-filter', '');
  await page.waitForFunction(allShown, null, { timeout: 5000 });

  // A subject holding U+202E shows it as \u{202e}: the control reversed the text after it.
  await page.fill('#filter', 'gnp.exe');
  await page.waitForFunction(() => document.querySelectorAll('#endpoint-table tbody tr').length === 1, null,
    { timeout: 5000 }).catch(() => {});
  out.bidi_rows = await page.$$eval('#endpoint-table tbody tr', (rows) => rows.map((r) => r.textContent));
  await page.fill('#filter', '');
  await page.waitForFunction(allShown, null, { timeout: 5000 });

  out.names_text = await page.textContent('#names-section');
  out.meta_rows = await page.$$eval('#meta-table tbody tr', (rows) => rows.map((r) => r.textContent));
  out.chart_count = await page.$$eval('.charts .bars', (s) => s.length);
  // Anything a payload could have created: elements outside the template's own.
  out.img_count = await page.$$eval('img', (s) => s.length);
  out.script_count = await page.$$eval('script', (s) => s.length);
  out.onerror_attrs = await page.$$eval('[onerror]', (s) => s.length);
  out.csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  await page.screenshot({ path: shot, fullPage: true });
});
