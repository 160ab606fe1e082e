// Overview charts: horizontal bars laid out by CSS grid, so every bar scales to its card
// at any width; a label too long for its column is cut with an ellipsis and the full
// text is on hover (title).
(function (t) {
  'use strict';
  var el = t.el, data = t.data, s = data.summary;

  // items: [label, value] or [label, value, findings]
  function barChart(target, items, colorOf) {
    var host = document.getElementById(target);
    if (!items.length) { host.appendChild(el('p', null, 'nothing to show')); return; }
    var max = Math.max.apply(null, items.map(function (i) { return i[1]; })) || 1;
    var chart = el('div', 'bars');
    chart.setAttribute('role', 'list');
    items.forEach(function (item) {
      var extra = item.length > 2 ? ' (' + item[2] + ' findings)' : '';
      var r = el('div', 'bar-row');
      r.setAttribute('role', 'listitem');
      r.title = t.shown(item[0] + ': ' + item[1] + extra);
      r.appendChild(el('span', 'bar-label', item[0]));
      var track = el('span', 'bar-track');
      var bar = el('span', 'bar');
      bar.style.width = Math.max(0.5, 100 * item[1] / max) + '%';
      bar.style.backgroundColor = colorOf(item[0]);
      track.appendChild(bar);
      r.appendChild(track);
      r.appendChild(el('span', 'bar-value', String(item[1]) + extra));
      chart.appendChild(r);
    });
    host.appendChild(chart);
  }
  function top(counts, n, findingsOf) {
    return Object.keys(counts).map(function (k) { return findingsOf ? [k, counts[k], findingsOf(k)] : [k, counts[k]]; })
      .sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); }).slice(0, n);
  }

  var sevColor = { critical: '#8b0000', high: '#d03030', medium: '#d08a00', low: '#2f7fb5', info: '#777' };
  barChart('chart-severity', t.SEVERITIES.map(function (k) { return [k, s.by_severity[k]]; }), function (k) { return sevColor[k]; });
  barChart('chart-ids', top(s.by_id, 1e9), function () { return '#5a6fb5'; });

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
    barChart('chart-countries', top(countries, 10, function (k) { return findingsIn['c:' + k]; }), function () { return '#7a5fa0'; });
    barChart('chart-networks', top(networks, 10, function (k) { return findingsIn['n:' + k]; }), function () { return '#4f8f8f'; });
  }

  // The first `months` months, one bar each, and the leaves of every later month in a last
  // bar ("after YYYY-MM"), so the bars add up to every leaf with a known expiry.
  var EXPIRY_MONTHS = 24;
  function byMonth(counts, months) {
    var keys = Object.keys(counts).sort();
    var items = keys.slice(0, months).map(function (k) { return [k, counts[k]]; });
    if (keys.length > months) {
      var later = keys.slice(months).reduce(function (sum, k) { return sum + counts[k]; }, 0);
      items.push(['after ' + keys[months - 1], later]);
    }
    return items;
  }
  var expiry = {}, issuers = {};
  // Coloured by the scan's evaluation time, not the reader's clock: an archived report keeps
  // its colours. The month of the evaluation holds leaves on both sides of it.
  var at = ((data.scan.options || {}).evaluated_at || data.scan.started_at || new Date().toISOString()).slice(0, 7);
  data.endpoints.forEach(function (e) {
    if (!e.chain.length) return;
    var leaf = e.chain[0];
    if (leaf.not_after) { var m = leaf.not_after.slice(0, 7); expiry[m] = (expiry[m] || 0) + 1; }
    if (leaf.issuer) issuers[leaf.issuer] = (issuers[leaf.issuer] || 0) + 1;  // not an undecodable leaf
  });
  barChart('chart-expiry', byMonth(expiry, EXPIRY_MONTHS), function (k) {
    return k < at ? '#8b0000' : k === at ? '#b8860b' : '#2e8b57';
  });
  barChart('chart-issuers', top(issuers, 10), function () { return '#6b7b8c'; });
})(tlsaudit);
