// tlsaudit HTML report. Data comes from the JSON block above; every string from it is
// inserted with textContent, never parsed as markup, so certificate fields cannot inject any.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('tlsaudit-data').textContent);
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var RANK = { critical: 6, high: 5, medium: 4, low: 3, info: 2, error: 1, ok: 0 };
  var PAGE = 100;
  var SVGNS = 'http://www.w3.org/2000/svg';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function badge(status) { return el('span', 'sev ' + (RANK[status] !== undefined ? status : 'info'), status); }
  function kv(pairs) {
    var dl = el('dl', 'kv');
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      dl.appendChild(el('dt', null, p[0]));
      dl.appendChild(el('dd', p[2] || null, p[1]));
    });
    return dl;
  }

  // --- headline -------------------------------------------------------------
  var s = data.summary;
  if (data.scan.complete === false) document.getElementById('incomplete').hidden = false;
  var verdict = document.getElementById('verdict');
  verdict.classList.add(s.verdict);
  verdict.textContent = (s.verdict === 'fail' ? 'FAIL' : 'PASS') + ': ' + s.findings + ' findings on ' +
    s.endpoints + ' endpoints (' + s.endpoints_error + ' could not be scanned); policy: fail on ' +
    data.policy.fail_on + (data.policy.fail_on_new ? ', new findings only' : '');
  var cards = document.getElementById('cards');
  SEVERITIES.forEach(function (sev) {
    var c = el('div', 'card');
    var n = el('span', 'n', s.by_severity[sev]);
    c.appendChild(n); c.appendChild(badge(sev));
    c.setAttribute('data-severity', sev);
    cards.appendChild(c);
  });
  [['endpoints', s.endpoints], ['scan errors', s.endpoints_error], ['names', s.names]].forEach(function (p) {
    var c = el('div', 'card'); c.appendChild(el('span', 'n', p[1])); c.appendChild(el('span', null, p[0])); cards.appendChild(c);
  });
  if (data.baseline) {
    var b = el('div', 'card'); b.appendChild(el('span', 'n', data.baseline['new'])); b.appendChild(el('span', 'new', 'new since baseline')); cards.appendChild(b);
  }

  // --- charts (inline SVG) --------------------------------------------------
  function barChart(target, items, colorOf) {
    var host = document.getElementById(target);
    if (!items.length) { host.appendChild(el('p', null, 'nothing to show')); return; }
    var max = Math.max.apply(null, items.map(function (i) { return i[1]; })) || 1;
    var rowH = 20, labelW = 170, width = 420;
    var valueW = items.some(function (i) { return i.length > 2; }) ? 110 : 50;  // room for "(N findings)"
    var g = svg('svg', { width: width, height: items.length * rowH + 4, role: 'img', viewBox: '0 0 ' + width + ' ' + (items.length * rowH + 4) });
    items.forEach(function (item, i) {
      var w = Math.max(1, (width - labelW - valueW) * item[1] / max);
      var label = svg('text', { x: 0, y: i * rowH + 14 });
      label.textContent = item[0].length > 28 ? item[0].slice(0, 27) + '\u2026' : item[0];
      var title = svg('title', {}); title.textContent = item[0] + ': ' + item[1];
      var rect = svg('rect', { x: labelW, y: i * rowH + 3, width: w, height: rowH - 6, fill: colorOf(item[0]) });
      rect.appendChild(title);
      var value = svg('text', { x: labelW + w + 4, y: i * rowH + 14 });
      value.textContent = String(item[1]) + (item.length > 2 ? ' (' + item[2] + ' findings)' : '');
      g.appendChild(label); g.appendChild(rect); g.appendChild(value);
    });
    host.appendChild(g);
  }
  var sevColor = { critical: '#8b0000', high: '#d03030', medium: '#d08a00', low: '#2f7fb5', info: '#777' };
  barChart('chart-severity', SEVERITIES.map(function (k) { return [k, s.by_severity[k]]; }), function (k) { return sevColor[k]; });
  barChart('chart-ids', Object.keys(s.by_id).map(function (k) { return [k, s.by_id[k]]; })
    .sort(function (a, b) { return b[1] - a[1]; }), function () { return '#5a6fb5'; });
  var countries = {}, networks = {}, findingsIn = {}, geo = false;  // findingsIn: per "c:" / "n:" group
  data.endpoints.forEach(function (e) {
    if (!e.geo) return;
    if (e.geo.country || e.geo.asn !== null) geo = true;  // charts only when a database answered
    var c = e.geo.country || '(unknown)';
    countries[c] = (countries[c] || 0) + 1;
    findingsIn['c:' + c] = (findingsIn['c:' + c] || 0) + e.findings.length;
    var n = e.geo.asn === null ? '(unknown)' : 'AS' + e.geo.asn + (e.geo.organisation ? ' ' + e.geo.organisation : '');
    networks[n] = (networks[n] || 0) + 1;
    findingsIn['n:' + n] = (findingsIn['n:' + n] || 0) + e.findings.length;
  });
  if (geo) {
    document.getElementById('fig-countries').hidden = false;
    document.getElementById('fig-networks').hidden = false;
    // Endpoints per group, with the group's findings beside each bar.
    var top = function (m, p) { return Object.keys(m).map(function (k) { return [k, m[k], findingsIn[p + k]]; }).sort(function (a, b) { return b[1] - a[1]; }).slice(0, 10); };
    barChart('chart-countries', top(countries, 'c:'), function () { return '#7a5fa0'; });
    barChart('chart-networks', top(networks, 'n:'), function () { return '#4f8f8f'; });
  }
  var expiry = {}, issuers = {};
  var now = new Date().toISOString().slice(0, 7);
  data.endpoints.forEach(function (e) {
    if (!e.chain.length) return;
    var leaf = e.chain[0];
    if (leaf.not_after) { var m = leaf.not_after.slice(0, 7); expiry[m] = (expiry[m] || 0) + 1; }
    issuers[leaf.issuer || '(unknown)'] = (issuers[leaf.issuer || '(unknown)'] || 0) + 1;
  });
  barChart('chart-expiry', Object.keys(expiry).sort().slice(0, 24).map(function (k) { return [k, expiry[k]]; }),
    function (k) { return k < now ? '#8b0000' : '#2e8b57'; });
  barChart('chart-issuers', Object.keys(issuers).map(function (k) { return [k, issuers[k]]; })
    .sort(function (a, b) { return b[1] - a[1]; }).slice(0, 10), function () { return '#6b7b8c'; });

  // --- names ----------------------------------------------------------------
  var nameBody = document.querySelector('#name-table tbody');
  if (!data.names.length) document.getElementById('names-section').hidden = true;
  data.names.forEach(function (n) {
    var tr = el('tr');
    tr.appendChild(el('td', null, n.target.host + ':' + n.target.port));
    tr.appendChild(el('td', 'mono', n.addresses.join(', ')));
    var st = el('td'); st.appendChild(badge(n.status)); tr.appendChild(st);
    var f = el('td');
    n.findings.forEach(function (x) { f.appendChild(findingView(x)); });
    tr.appendChild(f);
    nameBody.appendChild(tr);
  });

  // --- endpoint table: filter, sort, page ------------------------------------
  var rows = data.endpoints.map(function (e, i) {
    var leaf = e.chain.length ? e.chain[0] : null;
    var text = [e.target.host, e.target.sni || '', e.target.starttls || '', e.address || '', e.status, leaf ? leaf.subject : '', leaf ? leaf.issuer : '',
      e.error ? e.error.code : ''].concat(e.findings.map(function (f) { return f.id; })).join(' ').toLowerCase();
    return { i: i, e: e, host: e.target.host, port: e.target.port, starttls: e.target.starttls || '', address: e.address || '', status: e.status,
      protocol: e.tls ? e.tls.protocol : '', subject: leaf ? leaf.subject : '', not_after: leaf ? leaf.not_after : '',
      findings: e.findings.length, text: text };
  });
  var state = { key: 'status', dir: -1, filter: '', status: '', page: 0, view: rows.slice() };
  var tbody = document.querySelector('#endpoint-table tbody');

  function compare(a, b) {
    var x = a[state.key], y = b[state.key];
    if (state.key === 'status') { x = RANK[x]; y = RANK[y]; }
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
    state.view.slice(start, start + PAGE).forEach(function (r) {
      var tr = el('tr');
      tr.setAttribute('data-index', r.i);
      tr.appendChild(el('td', null, r.host));
      tr.appendChild(el('td', null, r.starttls ? r.port + ' (' + r.starttls + ')' : r.port));
      tr.appendChild(el('td', 'mono', r.address));
      var st = el('td'); st.appendChild(badge(r.status)); tr.appendChild(st);
      tr.appendChild(el('td', null, r.protocol));
      tr.appendChild(el('td', null, r.e.error ? r.e.error.code + ': ' + r.e.error.detail : r.subject));
      tr.appendChild(el('td', null, r.not_after ? r.not_after.slice(0, 10) : ''));
      tr.appendChild(el('td', null, r.findings));
      tr.addEventListener('click', function () { showDetail(r.e); });
      frag.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(frag);
    var pages = Math.max(1, Math.ceil(state.view.length / PAGE));
    document.getElementById('page-info').textContent = 'page ' + (state.page + 1) + ' of ' + pages;
    document.getElementById('match-count').textContent = state.view.length + ' of ' + rows.length + ' endpoints';
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    document.querySelectorAll('#endpoint-table th[data-key]').forEach(function (th) {
      if (th.getAttribute('data-key') === state.key) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  document.querySelectorAll('#endpoint-table th[data-key]').forEach(function (th) {
    function sort() {
      var key = th.getAttribute('data-key');
      if (state.key === key) state.dir = -state.dir; else { state.key = key; state.dir = 1; }
      state.page = 0; apply();
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') sort(); });
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

  // --- detail view ---------------------------------------------------------
  function findingView(f) {
    var d = el('div', 'finding ' + f.severity);
    var head = el('div');
    head.appendChild(badge(f.severity));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(el('strong', null, f.id));
    if (f.baseline) head.appendChild(el('span', f.baseline === 'new' ? 'new' : null, ' (' + f.baseline + ')'));
    d.appendChild(head);
    d.appendChild(el('div', null, f.message));
    if (f.remediation) d.appendChild(el('div', null, 'Fix: ' + f.remediation));
    if (f.cert) d.appendChild(el('div', 'mono', 'certificate #' + f.cert.position + ' ' + f.cert.subject + ' ' + f.cert.sha256));
    return d;
  }
  function showDetail(e) {
    var section = document.getElementById('detail');
    section.hidden = false;
    document.getElementById('detail-title').textContent = e.target.host + ':' + e.target.port + (e.address ? ' (' + e.address + ')' : '');
    var body = document.getElementById('detail-body');
    body.textContent = '';
    body.appendChild(kv([['target line', e.target.input], ['SNI', e.target.sni], ['STARTTLS', e.target.starttls],
      ['status', e.status],
      ['scanned at', e.scanned_at], ['TLS', e.tls ? e.tls.protocol + ' ' + e.tls.cipher : ''],
      ['error', e.error ? e.error.code + ': ' + e.error.detail : '']]));
    if (e.findings.length) body.appendChild(el('h3', null, 'Findings'));
    e.findings.forEach(function (f) { body.appendChild(findingView(f)); });
    var chainView = function (title, certs) {
      if (certs.length) body.appendChild(el('h3', null, title));
      certs.forEach(function (c) {
        var box = el('div', 'cert');
        box.appendChild(el('strong', null, '#' + c.position + ' ' + (c.subject || '(unparsed)')));
        box.appendChild(kv([['issuer', c.issuer], ['serial', c.serial, 'mono'], ['valid', c.not_before + ' \u2013 ' + c.not_after],
          ['SHA-256', c.sha256, 'mono'], ['SPKI SHA-256', c.spki_sha256, 'mono'], ['key', c.key],
          ['signature', c.signature_algorithm], ['DNS names', c.san_dns.join(', ')], ['revocation', c.revocation],
          ['parse error', c.parse_error]]));
        body.appendChild(box);
      });
    };
    var probes = e.probes || [];
    chainView('Served chain' + (probes.length ? ' (probes: ' + probes.join(', ') + ')' : ''), e.chain);
    (e.other_chains || []).forEach(function (o) {
      chainView('Chain ' + o.chain_index + ', served to probes: ' + o.probes.join(', ') +
        (o.tls ? ' (' + o.tls.protocol + ' ' + o.tls.cipher + ')' : ''), o.chain);
    });
    section.scrollIntoView();
  }

  // --- baseline, input errors, metadata -------------------------------------
  if (data.baseline) {
    document.getElementById('baseline-section').hidden = false;
    var ul = document.getElementById('resolved');
    if (!data.baseline.resolved.length) ul.appendChild(el('li', null, 'none'));
    data.baseline.resolved.forEach(function (r) {
      ul.appendChild(el('li', null, r.id + ' (' + r.severity + ') on ' + r.host + ':' + r.port + (r.message ? ': ' + r.message : '')));
    });
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
   ['rules catalogue', m.rules_version], ['trust store', m.trust_store], ['built from', m.sources.join(', ')],
   ['complete', m.complete === false ? 'no (interrupted)' : 'yes'],
   ['options', JSON.stringify(m.options)]].forEach(function (p) {
    var tr = el('tr'); tr.appendChild(el('th', null, p[0])); tr.appendChild(el('td', 'mono', p[1] === null ? '' : p[1])); meta.appendChild(tr);
  });

  apply();
  document.body.setAttribute('data-ready', 'true');
})();
