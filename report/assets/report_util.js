// tlsaudit HTML report, shared helpers. The report's scripts are concatenated in this
// order: report_util.js, report_charts.js, report_findings.js, report.js. Data comes from
// the JSON block of the page; every string from it is inserted with textContent, never
// parsed as markup, so certificate fields cannot inject any.
var tlsaudit = (function () {
  'use strict';
  var RANK = { critical: 6, high: 5, medium: 4, low: 3, info: 2, error: 1, ok: 0 };

  // Controls that change how text reads without being seen (C0 controls but tab and line
  // feed, DEL and C1 controls; every Default_Ignorable_Code_Point of Unicode: zero-width
  // characters, bidirectional marks, embeddings, overrides and isolates, the soft hyphen,
  // fillers, variation selectors, tag characters; line separators; interlinear
  // annotation) are shown as \u{...}, as the terminal summary and text::is_invisible_control
  // show them: a subject holding U+202E cannot reverse itself or the fingerprint printed
  // after it, nor an ESC vanish from the page.
  var INVISIBLE = new RegExp('[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c' +
    '\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u3164' +
    '\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff0-\\ufffb\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0000}-\\u{e0fff}]', 'gu');
  // A string longer than MAX_TEXT (a server's 900,000-character subject) shows its start:
  // a page of it on screen, hundreds in print, helps nobody; the JSON report has it whole.
  var MAX_TEXT = 1000;
  function shown(text) {
    var s = String(text);
    if (s.length > MAX_TEXT) {
      var cut = /[\ud800-\udbff]/.test(s.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
      s = s.slice(0, cut) + '\u2026 (' + (s.length - cut) + ' more characters; the JSON report holds the whole text)';
    }
    return s.replace(INVISIBLE, function (c) { return '\\u{' + c.codePointAt(0).toString(16) + '}'; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = shown(text);
    return e;
  }
  function badge(status) { return el('span', 'sev ' + (RANK[status] !== undefined ? status : 'info'), status); }
  function kv(pairs, cls) {
    var dl = el('dl', 'kv' + (cls ? ' ' + cls : ''));
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') return;
      dl.appendChild(el('dt', null, p[0]));
      dl.appendChild(el('dd', p[2] || null, p[1]));
    });
    return dl;
  }
  function table(cls, headers) {
    var t = el('table', cls);
    var tr = el('tr');
    headers.forEach(function (h) { tr.appendChild(el('th', null, h)); });
    t.appendChild(el('thead')).appendChild(tr);
    t.appendChild(el('tbody'));
    return t;
  }
  // `classes[i]`, when given, is the class of cell i ('mono addr').
  function row(cells, classes) {
    var tr = el('tr');
    cells.forEach(function (c, i) {
      var cls = classes ? classes[i] || null : null;
      if (c instanceof Node) { var td = el('td', cls); td.appendChild(c); tr.appendChild(td); }
      else tr.appendChild(el('td', cls, c));
    });
    return tr;
  }
  // `text` in `node` with a line break allowed after each dot (<wbr>, not a character): a
  // host name in a narrow column or in print breaks between its labels, not inside one.
  function breakAtDots(node, text) {
    shown(text).split('.').forEach(function (part, i, parts) {
      node.appendChild(document.createTextNode(part + (i + 1 < parts.length ? '.' : '')));
      if (i + 1 < parts.length) node.appendChild(document.createElement('wbr'));
    });
    return node;
  }
  // A link to an endpoint's detail (screen) and its appendix entry (print).
  function endpointLink(index, text) {
    var a = breakAtDots(el('a'), text);
    a.href = '#endpoint-' + index;
    return a;
  }
  // A target's host, with the name asked for when the SNI differs (a target given by address).
  function hostText(target) {
    return target.sni && target.sni !== target.host ? target.host + ' (SNI ' + target.sni + ')' : target.host;
  }
  // The chain an endpoint's finding is about, and the probes that received it.
  function chainOf(e, f) {
    if (!f || !f.chain) return { chain: e.chain, probes: e.probes || [] };
    var others = e.other_chains || [];
    for (var i = 0; i < others.length; i++)
      if (others[i].chain_index === f.chain) return { chain: others[i].chain, probes: others[i].probes };
    return { chain: [], probes: [] };
  }

  return {
    data: JSON.parse(document.getElementById('tlsaudit-data').textContent),
    SEVERITIES: ['critical', 'high', 'medium', 'low', 'info'],
    RANK: RANK,
    // The page was opened to be printed (tlsaudit --pdf opens it at #print): render
    // everything the printed report holds at once instead of waiting for beforeprint.
    printMode: location.hash === '#print',
    el: el, shown: shown, badge: badge, kv: kv, table: table, row: row, breakAtDots: breakAtDots, endpointLink: endpointLink, hostText: hostText, chainOf: chainOf
  };
})();
