// The report's page: headline, names, the endpoint list (filter, sort, page), baseline,
// input errors, scan metadata, and the print hooks. Runs last (see report_util.js).
(function (t) {
  'use strict';
  var data = t.data, el = t.el, badge = t.badge, findingView = t.findingView;
  var SEVERITIES = t.SEVERITIES, RANK = t.RANK;
  var PAGE = 100;
  var PRINT_ROWS = 1000;  // the printed endpoint list (see PRINT_PLACES in report_findings.js)

  // --- headline -------------------------------------------------------------
  var s = data.summary;
  // What was scanned and when, under the title and in the window's (and the PDF's) title: a
  // page handed on alone says which scan it is.
  var when = (data.scan.started_at || '').replace('T', ' ').replace(/Z$/, ' UTC');
  var input = data.scan.input ? t.shown(data.scan.input) : 'an unnamed target list';  // each part cut on its own
  document.getElementById('scan-line').textContent = 'Scan of ' + input + (when ? ', started ' + when : '') +
    '; tlsaudit ' + t.shown(data.scan.tool_version) +
    (data.scan.rules_version ? ', rules ' + t.shown(data.scan.rules_version) : '') +
    (data.scan.trust_store ? ', trust store ' + t.shown(data.scan.trust_store) : '');
  document.title = 'tlsaudit report: ' + (data.scan.input ? t.shown(data.scan.input.slice(0, 200)) : 'scan') +
    (when ? ' (' + when.slice(0, 10) + ')' : '');
  if (data.scan.complete === false) {
    var banner = document.getElementById('incomplete');
    banner.hidden = false;
    // Why (older reports do not say): only an interrupted or killed scan is resumed.
    var why = data.scan.incomplete_reason;
    if (why) banner.textContent = 'INCOMPLETE: ' + why + '; the results below are partial' +
      (/^(interrupted|killed)/.test(why) ? ' (resume it with --resume).' : '.');
  }
  var verdict = document.getElementById('verdict');
  // A pass that scanned no endpoint is not a PASS (older reports have no scan_errors), and
  // one under --fail-on none judged no finding: a green PASS over critical findings would be
  // read as a clean bill.
  var unverified = s.verdict === 'pass' && s.endpoints_ok === 0;
  var reportOnly = s.verdict === 'pass' && !unverified && data.policy.fail_on === 'none';
  verdict.classList.add(unverified ? 'unverified' : reportOnly ? 'report-only' : s.verdict);
  verdict.textContent = (s.verdict === 'fail' ? 'FAIL' : unverified ? 'NOT VERIFIED' : reportOnly ? 'REPORT ONLY' : 'PASS') +
    ': ' + s.findings +
    ' findings on ' + s.endpoints + ' endpoints (' + s.endpoints_error + ' could not be scanned); policy: fail on ' +
    data.policy.fail_on + (data.policy.fail_on_new ? ', new findings only' : '') +
    (data.policy.fail_on_errors ? '; on scan errors: ' + data.policy.fail_on_errors : '');
  if (s.scan_errors) {
    var errorsLine = document.getElementById('scan-errors');
    errorsLine.hidden = false;
    errorsLine.classList.add(s.scan_errors.verdict);
    errorsLine.textContent = 'Scan errors: ' + s.scan_errors.text;
  }
  var cards = document.getElementById('cards');
  SEVERITIES.forEach(function (sev) {
    var c = el('div', 'card');
    var n = el('span', 'n', s.by_severity[sev]);
    c.appendChild(n); c.appendChild(badge(sev));
    c.setAttribute('data-severity', sev);
    cards.appendChild(c);
  });
  [['endpoints', s.endpoints], ['scan errors', s.endpoints_error], ['inconsistent names', s.names]].forEach(function (p) {
    var c = el('div', 'card'); c.appendChild(el('span', 'n', p[1])); c.appendChild(el('span', null, p[0])); cards.appendChild(c);
  });
  if (data.baseline) {
    var b = el('div', 'card'); b.appendChild(el('span', 'n', data.baseline['new'])); b.appendChild(el('span', 'new', 'new since baseline')); cards.appendChild(b);
  }

  // --- names ----------------------------------------------------------------
  var nameBody = document.querySelector('#name-table tbody');
  if (!data.names.length) document.getElementById('names-section').hidden = true;
  data.names.forEach(function (n) {
    var tr = el('tr');
    tr.appendChild(el('td', null, (n.target.starttls ? n.target.starttls + '://' : '') + n.target.host + ':' + n.target.port));
    tr.appendChild(el('td', 'mono addr', n.addresses.join(', ')));
    var st = el('td'); st.appendChild(badge(n.status)); tr.appendChild(st);
    var f = el('td');
    n.findings.forEach(function (x) { f.appendChild(findingView(x)); });
    tr.appendChild(f);
    nameBody.appendChild(tr);
  });

  // --- endpoint table: filter, sort, page ------------------------------------
  // An address as a key that sorts as numbers do: IPv4 ("4" and three digits an octet)
  // before IPv6 ("6" and four hex digits a group, "::" expanded, an embedded IPv4 as two
  // groups), then anything else as text; "" for none (sorted last, see compare).
  function pad(text, n) { return ('0000' + text).slice(-n); }
  function ipv4Key(a) {
    var m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(a);
    return m && m.slice(1).every(function (o) { return +o < 256; }) ? m.slice(1).map(function (o) { return pad(+o, 3); }).join('') : null;
  }
  function ipv6Groups(text) {
    if (text === '') return [];
    var groups = text.split(':'), last = groups[groups.length - 1];
    if (last.indexOf('.') !== -1) {  // ::ffff:192.0.2.1
      var v4 = ipv4Key(last);
      if (!v4) return null;
      var n = v4.match(/.../g).map(Number);
      groups.splice(-1, 1, (n[0] * 256 + n[1]).toString(16), (n[2] * 256 + n[3]).toString(16));
    }
    return groups.every(function (g) { return /^[0-9a-f]{1,4}$/i.test(g); }) ? groups : null;
  }
  function ipv6Key(a) {
    var halves = a.replace(/^\[|\]$/g, '').replace(/%.*$/, '').split('::');
    if (halves.length > 2) return null;
    var head = ipv6Groups(halves[0]), tail = halves.length === 2 ? ipv6Groups(halves[1]) : [];
    if (!head || !tail || head.length + tail.length > (halves.length === 2 ? 7 : 8) ||
        (halves.length === 1 && head.length !== 8)) return null;
    while (head.length + tail.length < 8) head.push('0');
    return head.concat(tail).map(function (g) { return pad(g.toLowerCase(), 4); }).join('');
  }
  function addressKey(a) {
    if (!a) return '';
    var v4 = ipv4Key(a);
    if (v4) return '4' + v4;
    var v6 = a.indexOf(':') !== -1 ? ipv6Key(a) : null;
    return v6 ? '6' + v6 : '9' + a;
  }
  var rows = data.endpoints.map(function (e, i) {
    var leaf = e.chain.length ? e.chain[0] : null;
    var text = [e.target.host, e.target.sni || '', e.target.starttls || '', e.address || '', e.status, leaf ? leaf.subject : '', leaf ? leaf.issuer : '',
      e.error ? e.error.code : ''].concat(e.findings.map(function (f) { return f.id; })).join(' ').toLowerCase();
    // The host as the findings blocks and the detail show it (with the SNI asked for when it
    // differs), so a row matched by its SNI shows why; it sorts by that text too.
    return { i: i, e: e, host: t.hostText(e.target), port: e.target.port, starttls: e.target.starttls || '', address: e.address || '',
      addressKey: addressKey(e.address), status: e.status,
      protocol: e.tls ? e.tls.protocol : '', subject: leaf ? leaf.subject : '', not_after: leaf ? leaf.not_after : '',
      findings: e.findings.length, text: text };
  });
  var state = { key: 'status', dir: -1, filter: '', status: '', page: 0, view: rows.slice() };
  var tbody = document.querySelector('#endpoint-table tbody');

  function compare(a, b) {
    var x = a[state.key], y = b[state.key];
    if (state.key === 'status') { x = RANK[x]; y = RANK[y]; }
    if (state.key === 'address') {
      x = a.addressKey; y = b.addressKey;
      if (!x !== !y) return x ? -1 : 1;  // no address: last either way
    }
    var r = x < y ? -1 : x > y ? 1 : 0;
    if (r === 0) r = a.host < b.host ? -1 : a.host > b.host ? 1 : a.i - b.i;
    else r *= state.dir;
    return r;
  }
  function apply() {
    var f = state.filter, st = state.status;
    state.view = rows.filter(function (r) {
      if (st === 'findings' ? r.findings === 0 : (st && r.status !== st)) return false;
      return !f || r.text.indexOf(f) !== -1;
    });
    state.view.sort(compare);
    var pages = Math.max(1, Math.ceil(state.view.length / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    render();
  }
  function render() {
    var frag = document.createDocumentFragment();
    var start = state.page * PAGE;
    (state.printAll ? state.printed : state.view.slice(start, start + PAGE)).forEach(function (r) {
      var tr = el('tr');
      tr.setAttribute('data-index', r.i);
      var host = el('td');
      host.appendChild(t.endpointLink(r.i, r.host));
      tr.appendChild(host);
      tr.appendChild(el('td', null, r.port));
      tr.appendChild(el('td', null, r.starttls));
      tr.appendChild(el('td', 'mono addr', r.address));
      var st = el('td'); st.appendChild(badge(r.status)); tr.appendChild(st);
      tr.appendChild(el('td', null, r.protocol));
      tr.appendChild(el('td', null, r.e.error ? r.e.error.code + ': ' + r.e.error.detail : r.subject));
      tr.appendChild(el('td', null, r.not_after ? r.not_after.slice(0, 10) : ''));
      tr.appendChild(el('td', null, r.findings));
      tr.addEventListener('click', function (ev) {
        if (ev.target.tagName === 'A') return;  // the link moves the hash; hashchange shows it
        if (location.hash === '#endpoint-' + r.i) t.showDetail(r.i); else location.hash = '#endpoint-' + r.i;
      });
      frag.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(frag);
    var pages = Math.max(1, Math.ceil(state.view.length / PAGE));
    document.getElementById('page-info').textContent = 'page ' + (state.page + 1) + ' of ' + pages;
    document.getElementById('match-count').textContent = state.view.length + ' of ' + rows.length + ' endpoints';
    document.getElementById('print-more').textContent = state.printAll && rows.length > PRINT_ROWS ?
      'The first ' + PRINT_ROWS + ' of ' + rows.length + ' endpoints, the worst first; every endpoint is in the HTML, CSV and JSON reports.' : '';
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    document.querySelectorAll('#endpoint-table th[data-key]').forEach(function (th) {
      if (th.getAttribute('data-key') === state.key) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  // Each sortable header holds a button (the header keeps its aria-sort): Enter and Space
  // press it; a click anywhere in the header sorts too.
  document.querySelectorAll('#endpoint-table th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      if (state.key === key) state.dir = -state.dir; else { state.key = key; state.dir = 1; }
      state.page = 0; apply();
    });
  });
  var timer = null;
  document.getElementById('filter').addEventListener('input', function (ev) {
    clearTimeout(timer);
    var value = ev.target.value.trim().toLowerCase();
    timer = setTimeout(function () { state.filter = value; state.page = 0; apply(); }, 120);
  });
  document.getElementById('status-filter').addEventListener('change', function (ev) { state.status = ev.target.value; state.page = 0; apply(); });
  document.getElementById('prev').addEventListener('click', function () { if (state.page > 0) { state.page--; render(); } });
  document.getElementById('next').addEventListener('click', function () { state.page++; render(); });

  // --- baseline, input errors, metadata -------------------------------------
  if (data.baseline) {
    document.getElementById('baseline-section').hidden = false;
    var ul = document.getElementById('resolved');
    if (!data.baseline.resolved.length) ul.appendChild(el('li', null, 'none'));
    var baselineItem = function (r) {
      return el('li', null, r.id + ' (' + r.severity + ') on ' + r.host + ':' + r.port + (r.message ? ': ' + r.message : ''));
    };
    data.baseline.resolved.forEach(function (r) { ul.appendChild(baselineItem(r)); });
    var unseen = data.baseline.not_verified || [];
    if (unseen.length) {
      document.getElementById('not-verified-section').hidden = false;
      var nv = document.getElementById('not-verified');
      unseen.forEach(function (r) { nv.appendChild(baselineItem(r)); });
    }
  }
  if (data.input_errors.length) {
    document.getElementById('input-errors-section').hidden = false;
    var ib = document.querySelector('#input-error-table tbody');
    data.input_errors.forEach(function (x) {
      var tr = el('tr'); tr.appendChild(el('td', null, x.line)); tr.appendChild(el('td', 'mono', x.input)); tr.appendChild(el('td', null, x.error));
      ib.appendChild(tr);
    });
  }
  var meta = document.querySelector('#meta-table tbody');
  var m = data.scan;
  [['tool', m.tool + ' ' + m.tool_version], ['started', m.started_at], ['finished', m.finished_at], ['input', m.input],
   ['rules catalogue', m.rules_version], ['Mozilla store', m.mozilla_store], ['trust store', m.trust_store], ['built from', m.sources.join(', ')],
   ['complete', m.complete === false ? 'no (' + (m.incomplete_reason || 'interrupted') + ')' : 'yes'],
   // The verdict's policy is this report's (`tlsaudit report` may judge with another one);
   // the options below are the scan's, as it ran.
   ['policy of this report', 'fail on ' + data.policy.fail_on + (data.policy.fail_on_new ? ', new findings only' : '') +
     (data.policy.fail_on_errors ? '; on scan errors: ' + data.policy.fail_on_errors : '') +
     (data.baseline ? '; with a baseline' : '')]].concat(
   (m.settings_changed_on_resume || []).length ? [['settings changed on resume', m.settings_changed_on_resume.join(', ') +
     ': targets kept from before the resume were scanned with the options below, the others with the resume\'s']] : []).concat(
   (m.settings_differ || []).length ? [['settings differ between the inputs', m.settings_differ.join(', ') +
     ': the inputs were scanned with different settings; the options below are the first input\'s']] : []).forEach(function (p) {
    var tr = el('tr'); tr.appendChild(el('th', null, p[0])); tr.appendChild(el('td', 'mono', p[1] === null ? '' : p[1])); meta.appendChild(tr);
  });
  // The options as a definition list (nested objects as nested lists), so they wrap on paper.
  function optionList(dl, obj) {
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      dl.appendChild(el('dt', null, k));
      var dd = el('dd', 'mono');
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) dd.appendChild(optionList(el('dl', 'kv'), v));
      else dd.textContent = Array.isArray(v) ? v.join(', ') : String(v);
      dl.appendChild(dd);
    });
    return dl;
  }
  optionList(document.getElementById('scan-options'), m.options || {});

  // --- print: the whole endpoint list and the appendix --------------------------
  // The print holds the worst PRINT_ROWS of every endpoint, whatever the screen's filter and
  // order (a bounded list keeps what matters); afterprint puts the screen's back.
  function beforePrint() {
    t.preparePrint();
    if (state.printAll) return;
    state.printAll = true;
    state.saved = { key: state.key, dir: state.dir };
    state.key = 'status';
    state.dir = -1;
    state.printed = rows.slice().sort(compare).slice(0, PRINT_ROWS);
    render();
  }
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', function () {
    if (!state.printAll) return;
    state.printAll = false;
    state.printed = null;
    state.key = state.saved.key; state.dir = state.saved.dir;
    apply();
  });

  apply();
  if (t.printMode) beforePrint();
  else t.followHash();
  document.body.setAttribute('data-ready', 'true');
})(tlsaudit);
