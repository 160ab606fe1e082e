// node browser_check.js REPORT.html SCREENSHOT.png FILTER_TEXT
// Opens the HTML report in headless Chromium (Debian's /usr/bin/chromium, fresh
// profile, no network features), exercises sorting, filtering, paging and the detail
// view, the print (under a filter, with a block opened), and prints what it saw as JSON on
// stdout: the C++ test judges it.
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
  // Addresses sort as numbers (IPv4 before IPv6), both ways.
  await page.click('#endpoint-table th[data-key="address"]');
  out.addresses_asc = await col(3);
  await page.click('#endpoint-table th[data-key="address"]');
  out.addresses_desc = await col(3);

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
  // The detail follows the hash: one naming no endpoint hides it, a valid one shows it.
  const shownFor = async (hash) => {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction((h) => location.hash === h, hash);
    return page.isVisible('#detail');
  };
  const endpoints = await page.evaluate(() => JSON.parse(document.getElementById('tlsaudit-data').textContent).endpoints.length);
  out.detail_after_hash = { out_of_range: await shownFor('#endpoint-' + endpoints), garbage: await shownFor('#endpoint-x'),
    valid: await shownFor('#endpoint-0') };

  // Printing, with the filter still set and the block with the most places opened on screen:
  // the print holds the worst endpoints of all (not the filtered ones) and each block its
  // first 250 places; afterprint gives the screen back. The print is laid out as Chromium
  // does it (print media, beforeprint and afterprint), without the seconds a PDF takes.
  const biggest = await page.evaluate(() => {
    const groups = (JSON.parse(document.getElementById('tlsaudit-data').textContent).executive_summary || []).filter((g) => g.id);
    return groups.reduce((best, g, i) => (g.findings.length > groups[best].findings.length ? i : best), 0);
  });
  await page.click('#action-' + biggest + ' .action-head');
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  out.print = await page.evaluate(() => {
    const shown = (e) => e.getClientRects().length > 0;
    const groups = (JSON.parse(document.getElementById('tlsaudit-data').textContent).executive_summary || []).filter((g) => g.id);
    const rows = [...document.querySelectorAll('#endpoint-table tbody tr')].filter(shown);
    return {
      rows: rows.length, statuses: rows.map((r) => r.children[4].textContent),
      note: document.getElementById('print-more').textContent,
      // per block: its places, the rows printed, the visible notes
      blocks: [...document.querySelectorAll('.action')].map((b, i) => [groups[i].findings.length,
        [...b.querySelectorAll('.places tbody tr')].filter(shown).length,
        [...b.querySelectorAll('.note')].filter(shown).map((n) => n.textContent).join(' ')]),
      // sections printed, and whether each starts a page
      breaks: [...document.querySelectorAll('main > section')].filter(shown).map((x) => x.id + ': ' + getComputedStyle(x).breakBefore),
    };
  });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  out.after_print = { match_count: await page.textContent('#match-count'), rows: (await col(0)).length,
    opened_rows: await page.$$eval('#action-' + biggest + ' .places tbody tr', (r) => r.filter((x) => x.getClientRects().length).length) };
  // Fold the blocks again: tens of thousands of places make the page too long to screenshot.
  const foldAll = () => page.$$eval('.action:not(.folded) .action-head', (heads) => heads.forEach((h) => h.click()));
  await foldAll();
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

  // Leaf expiry: the bars add up to every leaf with a known expiry (the months past the
  // 24th in a last bar).
  out.expiry_bars = await page.$$eval('#chart-expiry .bar-row', (rows) =>
    rows.map((r) => [r.querySelector('.bar-label').textContent, parseInt(r.querySelector('.bar-value').textContent, 10)]));
  out.expiry_leaves = await page.evaluate(() => JSON.parse(document.getElementById('tlsaudit-data').textContent).endpoints
    .filter((e) => e.chain.length && e.chain[0].not_after).length);
  // A rule link of the executive summary lands on its block open; Space on a header sorts.
  await page.click('#exec-summary a.rule');
  out.exec_link = await page.evaluate(() => ({ hash: location.hash,
    open: !!document.querySelector(location.hash) && !document.querySelector(location.hash).classList.contains('folded') }));
  await page.focus('#endpoint-table th[data-key="findings"] button');
  await page.keyboard.press('Space');
  out.space_sort = await page.getAttribute('#endpoint-table th[data-key="findings"]', 'aria-sort');
  await foldAll();

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
