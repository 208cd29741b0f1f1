// The live page: both stores' figures side by side, from GET /api/stores, GET /api/windows and GET /api/compare.
// Plain DOM code, no dependencies, so the page works offline.
'use strict';

// The catalogue, in its order, from GET /api/catalogue (loadCatalogue): the page names no municipality, condition
// or panel itself. A panel is one hash of the store (its name is its key in /api/stores' panels): a bar chart when
// its fields are municipalities or conditions, one figure per extreme otherwise.
let MUNICIPALITIES = [];
let CONDITIONS = [];
let PANELS = [];
const PATHS = { redis: 'Kafka path', valkey: 'RabbitMQ path' };
const WINDOWS_SHOWN = 15;
const previousTotals = {};
let latestWindows = {};

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
  if (snapshot && !snapshot.error) {
    children.push(consumerLine(storeName, snapshot.consumer));
  }
  if (!snapshot || snapshot.error) {
    children.push(el('p', { class: 'error' }, 'store unreachable: ' + (snapshot ? snapshot.error : 'no answer')));
    section.replaceChildren(...children);
    return;
  }
  const panels = snapshot.panels || {};
  const meta = snapshot.meta || {};
  const total = Number(meta.tweets_total || 0);
  const prev = previousTotals[storeName];
  const rate = prev && now > prev.at ? ((total - prev.total) * 1000 / (now - prev.at)) : 0;
  previousTotals[storeName] = { total, at: now };
  const unit = p => p.unit ? ' ' + p.unit : '';
  const extremes = PANELS.filter(p => p.by === 'extreme').flatMap(p => p.extremes.map(e => {
    const hash = panels[p.name] || {};
    const where = hash[e.municipalityField] ? ' (' + hash[e.municipalityField] + ')' : '';
    return stat(e.title + unit(p) + where, hash[e.figure] ?? '–', e.figure);
  }));
  children.push(el('div', { class: 'stats' }, extremes,
    stat('tweets counted', total, 'total'),
    stat('tweets/s', rate.toFixed(1), 'rate'),
    stat('end-to-end p99 ms', meta.e2e_p99_ms ?? '–', 'p99')));
  const names = { municipality: MUNICIPALITIES, condition: CONDITIONS };
  PANELS.filter(p => names[p.by]).forEach(p => children.push(
    el('h3', {}, p.title + (p.unit ? ' (' + p.unit + ')' : '')),
    bars(p.name, panels[p.name], names[p.by], p.scale)));
  const m = (snapshot.municipalities || {})[chosen] || {};
  const rows = ['count', 'temperature_avg', 'temperature_min', 'temperature_max', 'humidity_avg', ...CONDITIONS]
    .map(f => el('tr', {}, el('td', {}, f), el('td', { 'data-field': f }, m[f] ?? '–')));
  children.push(el('h3', {}, 'Municipality: ' + chosen), el('table', { class: 'municipality' }, rows));
  children.push(el('h3', {}, 'Closed windows of ' + chosen + ' (newest ' + WINDOWS_SHOWN + ')'),
    windowsChart(storeName, latestWindows[storeName]));
  section.replaceChildren(...children.flat());
}

// "Kafka path: 1,204 tweets behind, nothing processed for 52 s" from the consumer's own report.
function consumerLine(storeName, consumer) {
  if (!consumer) {
    return el('p', { class: 'consumer unknown', 'data-consumer': storeName }, PATHS[storeName] + ': no lag report yet');
  }
  const state = consumer.stalled ? 'stalled' : (consumer.lag === 0 ? 'ok' : 'behind');
  return el('p', { class: 'consumer ' + state, 'data-consumer': storeName, title: consumer.stalled || '' },
    PATHS[storeName] + ': ' + consumer.summary);
}

// A small SVG chart of the closed windows: average temperature (°C, -20..60) and humidity (%, 0..100) per window,
// and the most reported condition under each point. Every point carries its figures as data attributes.
function windowsChart(storeName, windows) {
  if (!windows) {
    return el('p', { class: 'muted' }, 'loading windows…');
  }
  if (windows.error) {
    return el('p', { class: 'error' }, 'windows unreadable: ' + windows.error);
  }
  if (windows.length === 0) {
    return el('p', { class: 'muted', 'data-windows': storeName + ':0' }, 'no closed window yet');
  }
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const width = 460, height = 170, left = 30, right = 10, top = 10, plot = 120;
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('class', 'windows');
  svg.setAttribute('data-windows', storeName + ':' + windows.length);
  const step = windows.length > 1 ? (width - left - right) / (windows.length - 1) : 0;
  const x = i => left + i * step;
  const yTemperature = t => top + plot - (Math.max(-20, Math.min(60, t)) + 20) / 80 * plot;
  const yHumidity = h => top + plot - Math.max(0, Math.min(100, h)) / 100 * plot;
  const node = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
    if (text !== undefined) n.textContent = text;
    return n;
  };
  svg.append(node('line', { x1: left, y1: top + plot, x2: width - right, y2: top + plot, class: 'axis' }));
  svg.append(node('text', { x: 0, y: top + 8, class: 'tick' }, '60°'));
  svg.append(node('text', { x: 0, y: top + plot, class: 'tick' }, '-20°'));
  const series = [['temperature', 'temperature_avg', yTemperature], ['humidity', 'humidity_avg', yHumidity]];
  series.forEach(([kind, field, y]) => {
    const points = windows.map((w, i) => x(i).toFixed(1) + ',' + y(Number(w[field])).toFixed(1)).join(' ');
    svg.append(node('polyline', { points, class: 'line ' + kind }));
  });
  windows.forEach((w, i) => {
    const time = new Date(Number(w.start)).toISOString().substring(11, 16);
    const top1 = CONDITIONS.reduce((a, c) => Number(w[c] || 0) > Number(w[a] || 0) ? c : a, CONDITIONS[0]);
    const point = node('circle', { cx: x(i), cy: yTemperature(Number(w.temperature_avg)), r: 3, class: 'point',
      'data-window': storeName + ':' + w.start, 'data-count': w.count, 'data-temperature': w.temperature_avg,
      'data-humidity': w.humidity_avg, 'data-condition': top1 });
    point.append(node('title', {}, time + ' UTC: ' + w.count + ' tweets, ' + w.temperature_avg + ' °C, '
      + w.humidity_avg + ' %, mostly ' + top1));
    svg.append(point);
    if (i % Math.ceil(windows.length / 6) === 0 || i === windows.length - 1) {
      svg.append(node('text', { x: x(i), y: top + plot + 14, class: 'tick', 'text-anchor': 'middle' }, time));
    }
    svg.append(node('text', { x: x(i), y: top + plot + 30, class: 'condition', 'text-anchor': 'middle' },
      top1.charAt(0).toUpperCase()));
  });
  const legend = el('div', { class: 'legend' }, el('span', { class: 'temperature' }, '— temperature °C'),
    el('span', { class: 'humidity' }, '— humidity %'), el('span', {}, 'letters: most reported condition'));
  return el('div', {}, svg, legend);
}

async function pollWindows() {
  const chosen = document.getElementById('municipality').value;
  try {
    const response = await fetch('/api/windows?municipality=' + encodeURIComponent(chosen) + '&last=' + WINDOWS_SHOWN);
    const body = await response.json();
    latestWindows = { redis: body.redis, valkey: body.valkey };
  } catch (e) {
    latestWindows = { redis: { error: String(e) }, valkey: { error: String(e) } };
  }
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
    // configs_differ: the two consumers run with different window, dedup horizon or max-ahead; the message says which.
    badge.textContent = body.verdict === 'equal' ? 'paths agree' :
      body.verdict === 'different' ? n + ' figure(s) differ' :
      body.verdict === 'configs_differ' ? body.message : 'a store is unreachable';
    // A figure that differs because one path has stopped is not a disagreement to investigate: say which stopped.
    const stopped = [['kafka', 'Kafka path'], ['rabbit', 'RabbitMQ path']]
      .filter(([key]) => body[key]?.consumer?.stalled).map(([, name]) => name);
    if (stopped.length > 0) {
      badge.className = 'verdict stalled';
      badge.textContent = stopped.join(' and ') + ' stopped consuming';
      badge.title = [body.kafka?.consumer?.stalled, body.rabbit?.consumer?.stalled].filter(Boolean).join('\n');
    }
  } catch (e) {
    badge.className = 'verdict unavailable';
    badge.textContent = 'compare failed';
  }
}

// Fills MUNICIPALITIES, CONDITIONS, PANELS and the municipality <select>; retried until the ingress answers.
async function loadCatalogue() {
  for (;;) {
    try {
      const response = await fetch('/api/catalogue');
      if (response.ok) {
        const body = await response.json();
        MUNICIPALITIES = body.municipalities;
        CONDITIONS = body.conditions;
        PANELS = body.panels;
        const select = document.getElementById('municipality');
        select.replaceChildren(...MUNICIPALITIES.map(m => el('option', { value: m }, m)));
        return;
      }
    } catch (e) {
      // the ingress is not up yet: try again below
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

loadCatalogue().then(() => {
  document.getElementById('municipality').addEventListener('change', () => pollWindows().then(poll));
  pollWindows().then(poll);
  pollVerdict();
  setInterval(poll, 1000);
  setInterval(pollWindows, 5000);
  setInterval(pollVerdict, 2000);
});
