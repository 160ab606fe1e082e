// Shared by the report checks: one headless Chromium (Debian's /usr/bin/chromium, or
// $TLSAUDIT_CHROMIUM) with a fresh profile and no network features, one page, and the
// result printed as one JSON line on stdout (an exception becomes its "error" field), so
// the C++ tests judge what the browser saw.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

// Calls body(page, out) and prints `out`.
async function withPage(viewport, out, body) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsaudit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.TLSAUDIT_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--hide-scrollbars'],
    viewport,
  });
  try {
    await body(context.pages()[0] || await context.newPage(), out);
  } catch (e) {
    out.error = String(e && e.stack || e);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

module.exports = { withPage };
