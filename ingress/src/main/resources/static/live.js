// The live page: both stores' figures side by side, from GET /api/stores and GET /api/compare.
// Plain DOM code, no dependencies, so the page works offline.
'use strict';

const MUNICIPALITIES = ['mixco', 'guatemala', 'amatitlan', 'chinautla'];
const CONDITIONS = ['sunny', 'cloudy', 'rainy', 'foggy'];
const previousTotals = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

function stat(label, value, id) {
  return el('div', { class: 'stat', 'data-stat': id }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, label));
}

function bars(kind, hash, names, scale) {
  const values = names.map(n => Number(hash?.[n] ?? NaN));
  const max = scale ?? Math.max(1, ...values.filter(v => !Number.isNaN(v)).map(Math.abs));
  return names.map((name, i) => {
    const v = values[i];
    const width = Number.isNaN(v) ? 0 : Math.max(0, Math.min(100, Math.abs(v) / max * 100));
    return el('div', { class: 'bar ' + kind, 'data-bar': kind + ':' + name },
      el('span', {}, name),
      el('div', {}, el('div', { class: 'fill', style: 'width:' + width.toFixed(1) + '%' })),
      el('span', { class: 'num' }, Number.isNaN(v) ? '–' : hash[name]));
  });
}

function render(storeName, snapshot, now) {
  const section = document.getElementById(storeName);
  const chosen = document.getElementById('municipality').value;
  const children = [el('h2', {}, section.dataset.title)];
  if (!snapshot || snapshot.error) {
    children.push(el('p', { class: 'error' }, 'store unreachable: ' + (snapshot ? snapshot.error : 'no answer')));
    section.replaceChildren(...children);
    return;
  }
  const panels = snapshot.panels || {};
  const extremes = panels.extremes || {};
  const meta = snapshot.meta || {};
  const total = Number(meta.tweets_total || 0);
  const prev = previousTotals[storeName];
  const rate = prev && now > prev.at ? ((total - prev.total) * 1000 / (now - prev.at)) : 0;
  previousTotals[storeName] = { total, at: now };
  children.push(el('div', { class: 'stats' },
    stat('highest temperature °C' + (extremes.temperature_max_municipality ? ' (' + extremes.temperature_max_municipality + ')' : ''),
      extremes.temperature_max ?? '–', 'max'),
    stat('lowest temperature °C' + (extremes.temperature_min_municipality ? ' (' + extremes.temperature_min_municipality + ')' : ''),
      extremes.temperature_min ?? '–', 'min'),
    stat('tweets counted', total, 'total'),
    stat('tweets/s', rate.toFixed(1), 'rate'),
    stat('end-to-end p99 ms', meta.e2e_p99_ms ?? '–', 'p99')));
  children.push(el('h3', {}, 'Average temperature per municipality (°C)'), bars('temperature', panels.temperature_avg, MUNICIPALITIES, 60));
  children.push(el('h3', {}, 'Average humidity per municipality (%)'), bars('humidity', panels.humidity_avg, MUNICIPALITIES, 100));
  children.push(el('h3', {}, 'Reports per condition'), bars('condition', panels.conditions, CONDITIONS));
  const m = (snapshot.municipalities || {})[chosen] || {};
  const rows = ['count', 'temperature_avg', 'temperature_min', 'temperature_max', 'humidity_avg', ...CONDITIONS]
    .map(f => el('tr', {}, el('td', {}, f), el('td', { 'data-field': f }, m[f] ?? '–')));
  children.push(el('h3', {}, 'Municipality: ' + chosen), el('table', { class: 'municipality' }, rows));
  section.replaceChildren(...children.flat());
}

async function poll() {
  try {
    const response = await fetch('/api/stores');
    const body = await response.json();
    render('redis', body.redis, body.readAt);
    render('valkey', body.valkey, body.readAt);
  } catch (e) {
    ['redis', 'valkey'].forEach(s => render(s, { error: String(e) }, Date.now()));
  }
}

async function pollVerdict() {
  const badge = document.getElementById('verdict');
  try {
    const response = await fetch('/api/compare');
    const body = await response.json();
    badge.className = 'verdict ' + body.verdict;
    const n = (body.differences || []).length;
    badge.textContent = body.verdict === 'equal' ? 'paths agree' :
      body.verdict === 'different' ? n + ' figure(s) differ' : 'a store is unreachable';
  } catch (e) {
    badge.className = 'verdict unavailable';
    badge.textContent = 'compare failed';
  }
}

document.getElementById('municipality').addEventListener('change', poll);
poll();
pollVerdict();
setInterval(poll, 1000);
setInterval(pollVerdict, 2000);
