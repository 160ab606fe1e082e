// The executive summary, the findings grouped by action, and the endpoint detail (on
// screen for the endpoint picked, in print for every endpoint, as the appendix). The
// grouping is the JSON report's executive_summary: made once, in report/, never here.
(function (t) {
  'use strict';
  var el = t.el, data = t.data;
  var items = data.executive_summary || [];
  // A fleet's print is bounded (a page takes Chromium about a tenth of a second, and ten
  // thousand endpoints in full run to thousands of pages): each block lists its first
  // PRINT_PLACES places, the appendix details the APPENDIX_MAX worst endpoints, each
  // saying how many it leaves to the HTML, CSV and JSON reports. Smaller reports print whole.
  var PRINT_PLACES = 250, APPENDIX_MAX = 100;
  var opens = [];  // per block: opens it (the executive summary's links)

  // --- executive summary ------------------------------------------------------
  var list = document.getElementById('exec-summary');
  var groups = items.filter(function (it) { return it.id; });
  items.forEach(function (it) {
    var li = el('li', 'summary-item');
    li.appendChild(t.badge(it.severity || 'error'));
    li.appendChild(document.createTextNode(' '));
    var gi = groups.indexOf(it);
    if (gi >= 0) {
      var a = el('a', 'rule', it.id);
      a.href = '#action-' + gi;
      // The link lands on its block open (hashchange does too, but not for the hash already set).
      a.addEventListener('click', function () { opens[gi](); });
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
    }
    li.appendChild(el('span', null, it.text));
    list.appendChild(li);
  });
  // "Every endpoint was scanned" only when it is so: not for a scan that scanned none, nor
  // for one that did not finish.
  if (!items.length)
    list.appendChild(el('li', 'summary-item', data.summary.endpoints_ok === 0 ? 'No endpoint was scanned: there is nothing to judge.' :
      data.scan.complete === false ? 'No findings on the endpoints scanned; the scan did not finish, so the others were not judged.' :
      'No findings, and every endpoint was scanned.'));
  document.getElementById('verdict-text').textContent = data.summary.verdict_text || '';

  // --- findings by action: one folding block per group ---------------------------
  var host = document.getElementById('actions');
  if (!groups.length) host.appendChild(el('p', null, 'No findings.'));
  var fills = [];
  var PLACE_CLASSES = [null, null, null, 'mono addr'];
  function placeRow(ref) {
    if (ref.name !== undefined) {
      var n = data.names[ref.name], nf = n.findings[ref.finding];
      return t.row([t.breakAtDots(el('span'), n.target.host + ' (name)'), n.target.port, '', n.addresses.join(', '), '', '', '', nf.message],
        PLACE_CLASSES);
    }
    var e = data.endpoints[ref.endpoint], f = e.findings[ref.finding];
    var served = t.chainOf(e, f), leaf = served.chain.length ? served.chain[0] : null;
    var several = (e.other_chains || []).length > 0;
    return t.row([t.endpointLink(ref.endpoint, t.hostText(e.target)), e.target.port, e.target.starttls || '', e.address || '',
      several ? served.probes.join(', ') : '', leaf ? leaf.subject : '', leaf ? leaf.not_after.slice(0, 10) : '', f.message],
      PLACE_CLASSES);
  }
  groups.forEach(function (it, gi) {
    var box = el('div', 'action folded');
    box.id = 'action-' + gi;
    var head = el('button', 'action-head');
    head.type = 'button';
    head.setAttribute('aria-expanded', 'false');
    head.appendChild(t.badge(it.severity));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(el('strong', null, it.id));
    if (it.title) head.appendChild(el('span', null, ' \u2014 ' + it.title));
    head.appendChild(el('span', 'count', ' ' + it.count + (it.count === 1 ? ' finding' : ' findings') + ' on ' +
      (it.endpoints ? it.endpoints + (it.endpoints === 1 ? ' endpoint' : ' endpoints') + ', ' : '') +
      it.names + (it.names === 1 ? ' name' : ' names')));
    box.appendChild(head);
    var body = el('div', 'action-body');
    if (it.meaning) body.appendChild(el('p', null, it.meaning));
    body.appendChild(t.kv([['rule', it.rule !== it.id ? it.rule : ''],
      ['deadline', it.earliest_deadline ? it.earliest_deadline.slice(0, 10) : '']]));
    it.remediations.forEach(function (r) { body.appendChild(el('p', 'fix', 'Fix: ' + r)); });
    var places = t.table('places', ['host', 'port', 'STARTTLS', 'address', 'served to', 'leaf subject', 'expires', 'finding']);
    body.appendChild(places);
    box.appendChild(body);
    host.appendChild(box);
    // The rows are made when the block is first opened (or printed): ten thousand
    // endpoints sharing one finding cost nothing until someone looks. Opened on screen, a
    // block lists every place; its print stops at PRINT_PLACES whether it was opened or
    // not (the rows past it are screen-only), and says how many it left out.
    var filled = 0;
    if (it.findings.length > PRINT_PLACES)
      body.appendChild(el('p', 'note print-only', 'and ' + (it.findings.length - PRINT_PLACES) +
        ' more, listed on screen in the HTML report and in full in the CSV and JSON reports.'));
    function fill(limit) {
      var upto = Math.min(it.findings.length, limit || it.findings.length);
      var frag = document.createDocumentFragment();
      for (; filled < upto; filled++) {
        var tr = placeRow(it.findings[filled]);
        if (filled >= PRINT_PLACES) tr.classList.add('screen-only');
        frag.appendChild(tr);
      }
      places.tBodies[0].appendChild(frag);
    }
    fills.push(fill);
    function setFolded(folded) {
      if (!folded) fill(0);
      box.classList.toggle('folded', folded);
      head.setAttribute('aria-expanded', folded ? 'false' : 'true');
    }
    opens.push(function () { setFolded(false); });
    head.addEventListener('click', function () { setFolded(!box.classList.contains('folded')); });
  });

  // --- endpoint detail ----------------------------------------------------------
  function findingView(f) {
    var d = el('div', 'finding ' + f.severity);
    var head = el('div');
    head.appendChild(t.badge(f.severity));
    head.appendChild(document.createTextNode(' '));
    head.appendChild(el('strong', null, f.id));
    if (f.baseline) head.appendChild(el('span', f.baseline === 'new' ? 'new' : null, ' (' + f.baseline + ')'));
    d.appendChild(head);
    d.appendChild(el('div', null, f.message));
    if (f.remediation) d.appendChild(el('div', 'fix', 'Fix: ' + f.remediation));
    if (f.cert) d.appendChild(el('div', 'mono', 'certificate #' + f.cert.position + ' ' + f.cert.subject + ' ' + f.cert.sha256));
    return d;
  }
  function chainView(box, title, certs) {
    if (!certs.length) return;
    box.appendChild(el('h4', null, title));
    certs.forEach(function (c) {
      var cert = el('div', 'cert');
      cert.appendChild(el('strong', null, '#' + c.position + ' ' + (c.subject || '(unparsed)')));
      // An unparsed certificate has neither date: no "valid \u2013" row for it.
      cert.appendChild(t.kv([['issuer', c.issuer], ['key', c.key], ['signature', c.signature_algorithm],
        ['valid', c.not_before || c.not_after ? c.not_before + ' \u2013 ' + c.not_after : ''], ['SHA-256', c.sha256, 'mono'], ['serial', c.serial, 'mono'],
        ['SPKI SHA-256', c.spki_sha256, 'mono'], ['DNS names', c.san_dns.join(', ')], ['revocation', c.revocation],
        ['parse error', c.parse_error]]));
      box.appendChild(cert);
    });
  }
  function endpointTitle(e) {
    return t.hostText(e.target) + ' port ' + e.target.port + (e.target.starttls ? ' (' + e.target.starttls + ')' : '') +
      (e.address && e.address !== e.target.host ? ' [' + e.address + ']' : '');
  }
  // The detail of one endpoint: its target, findings with their fix, and every chain.
  function endpointDetail(e) {
    var box = el('div', 'endpoint-detail');
    box.appendChild(t.kv([['target line', e.target.input], ['SNI', e.target.sni], ['STARTTLS', e.target.starttls],
      ['status', e.status], ['scanned at', e.scanned_at], ['TLS', e.tls ? e.tls.protocol + ' ' + e.tls.cipher : ''],
      ['error', e.error ? e.error.code + ': ' + e.error.detail : '']]));
    if (e.findings.length) box.appendChild(el('h4', null, 'Findings'));
    e.findings.forEach(function (f) { box.appendChild(findingView(f)); });
    // Per root program: "-constraints" programs are judged on the catalogue only, never "trusted".
    if ((e.trust || []).length) {
      box.appendChild(el('h4', null, 'Trust by root program'));
      box.appendChild(t.kv(e.trust.map(function (v) {
        return [v.program, v.state + ': ' + v.reason + (v.date ? ' (' + v.date + ')' : '') + (v.rule ? ' [rule ' + v.rule + ']' : '')];
      })));
    }
    var probes = e.probes || [];
    chainView(box, 'Served chain' + (probes.length ? ' (probes: ' + probes.join(', ') + ')' : ''), e.chain);
    (e.other_chains || []).forEach(function (o) {
      chainView(box, 'Chain ' + o.chain_index + ', served to probes: ' + o.probes.join(', ') +
        (o.tls ? ' (' + o.tls.protocol + ' ' + o.tls.cipher + ')' : ''), o.chain);
    });
    return box;
  }
  // The detail of endpoint `index`, or none (the section hidden) when no endpoint has it.
  function showDetail(index) {
    var e = data.endpoints[index];
    var section = document.getElementById('detail');
    section.hidden = !e;
    if (!e) return;
    document.getElementById('detail-title').textContent = tlsaudit.shown(endpointTitle(e));
    var body = document.getElementById('detail-body');
    body.textContent = '';
    body.appendChild(endpointDetail(e));
    section.scrollIntoView();
  }
  // The detail follows the hash: #endpoint-N shows it, any other hash (an unknown N, none
  // after Back, #action-N) hides it, so it never shows an endpoint the address does not name.
  // #action-N opens that block of findings.
  function followHash() {
    var m = /^#endpoint-([0-9]+)$/.exec(location.hash);
    showDetail(m ? parseInt(m[1], 10) : -1);
    var a = /^#action-([0-9]+)$/.exec(location.hash);
    var open = a ? opens[parseInt(a[1], 10)] : null;
    if (open) open();
  }
  window.addEventListener('hashchange', followHash);

  // --- print: every block open (CSS), its rows and the appendix in the DOM ---------
  // (bounded: see PRINT_PLACES above)
  var printed = false;
  function preparePrint() {
    if (printed) return;
    printed = true;
    fills.forEach(function (fill) { fill(PRINT_PLACES); });
    var appendix = document.getElementById('appendix');
    var frag = document.createDocumentFragment();
    var chosen = data.endpoints.map(function (e, i) { return i; });
    if (chosen.length > APPENDIX_MAX) {
      chosen.sort(function (a, b) { return t.RANK[data.endpoints[b].status] - t.RANK[data.endpoints[a].status] || a - b; });
      chosen = chosen.slice(0, APPENDIX_MAX).sort(function (a, b) { return a - b; });
      frag.appendChild(el('p', 'note', 'The ' + APPENDIX_MAX + ' endpoints with the worst status are detailed here; the other ' +
        (data.endpoints.length - APPENDIX_MAX) + ' are detailed in the HTML and JSON reports.'));
    }
    chosen.forEach(function (i) {
      var e = data.endpoints[i];
      var entry = el('article', 'appendix-entry');
      entry.id = 'appendix-endpoint-' + i;
      entry.appendChild(el('h3', null, endpointTitle(e)));
      entry.appendChild(endpointDetail(e));
      frag.appendChild(entry);
    });
    appendix.appendChild(frag);
  }

  t.findingView = findingView;
  t.showDetail = showDetail;
  t.followHash = followHash;
  t.preparePrint = preparePrint;
})(tlsaudit);
