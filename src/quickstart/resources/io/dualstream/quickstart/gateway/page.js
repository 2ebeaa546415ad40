// The live page: one EventSource on the gateway's /stream (recent events from Kafka, then live notifications
// from Redis, merged by id), and a fetch of /event for the full event behind a clicked notification.
'use strict';
(() => {
  const MAX_ROWS = 300;
  const CHART_SECONDS = 60;
  const $ = (id) => document.getElementById(id);
  const tbody = $('rows');
  const rows = new Map();       // notification id -> { tr, row }
  const perChannel = new Map(); // channel -> notifications seen
  const perSecond = new Map();  // epoch second -> live notifications that arrived in it
  let source = null;
  let retryTimer = null;
  let selected = null;
  let total = 0;
  let connectedAt = 0; // epoch second the current stream opened: the rate counts from then
  let held = null; // while the pointer is on the list, new rows wait here so the one under it stays put

  function watchInHash() {
    const match = /(?:^|&)watch=([^&]*)/.exec(location.hash.slice(1));
    return match ? decodeURIComponent(match[1]) : 'events:*';
  }

  function status(text, state) {
    const el = $('status');
    el.textContent = text;
    el.className = 'status ' + state;
  }

  function connect(watch) {
    if (source) source.close();
    clearTimeout(retryTimer);
    rows.clear();
    perChannel.clear();
    perSecond.clear();
    total = 0;
    connectedAt = Math.floor(Date.now() / 1000);
    tbody.replaceChildren();
    if (held) held = [];
    $('held').textContent = '';
    $('watch').value = watch;
    status('connecting…', '');
    const url = '/stream?watch=' + encodeURIComponent(watch);
    const stream = new EventSource(url);
    source = stream;
    stream.addEventListener('recent', (e) => {
      const batch = JSON.parse(e.data);
      add(batch.events, false);
      status('live: ' + batch.subscription + ', after ' + batch.events.length + ' recent events from Kafka', 'live');
    });
    stream.addEventListener('notification', (e) => add([JSON.parse(e.data)], true));
    stream.addEventListener('end', (e) => status('stream ended (' + JSON.parse(e.data) + '); reconnecting…', 'down'));
    stream.onerror = () => {
      if (stream !== source) return;
      if (stream.readyState !== EventSource.CLOSED) {
        status('reconnecting…', 'down'); // EventSource retries by itself, then catches up again
        return;
      }
      // The gateway answered with an error, so EventSource gave up: ask why, retry unless the watch is wrong.
      fetch('/recent?limit=1&watch=' + encodeURIComponent(watch))
        .then((r) => r.json().then((body) => ({ ok: r.ok, code: r.status, body })))
        .then(({ ok, code, body }) => {
          if (code === 400) {
            status(body.error, 'down');
          } else {
            status((ok ? 'stream closed' : body.error) + '; retrying', 'down');
            retryTimer = setTimeout(() => connect(watch), 2000);
          }
        })
        .catch(() => {
          status('gateway unreachable; retrying', 'down');
          retryTimer = setTimeout(() => connect(watch), 2000);
        });
    };
  }

  /** Adds notifications not already shown (by id), newest on top. */
  function add(list, live) {
    const added = [];
    const second = Math.floor(Date.now() / 1000);
    for (const row of list) {
      const id = String(row.notification.id);
      if (rows.has(id)) continue;
      const tr = render(row, live);
      rows.set(id, { tr, row });
      added.push(tr);
      total++;
      perChannel.set(row.channel, (perChannel.get(row.channel) || 0) + 1);
      if (row.via === 'redis') perSecond.set(second, (perSecond.get(second) || 0) + 1);
    }
    if (added.length === 0) return;
    if (held) {
      held.push(...added);
      $('held').textContent = held.length + ' new (paused while the pointer is on the list)';
      return;
    }
    insert(added);
  }

  function insert(added) {
    const fragment = document.createDocumentFragment();
    for (let i = added.length - 1; i >= 0; i--) fragment.appendChild(added[i]);
    tbody.insertBefore(fragment, tbody.firstChild);
    while (tbody.children.length > MAX_ROWS) {
      const last = tbody.lastElementChild;
      rows.delete(last.dataset.id);
      last.remove();
    }
  }

  function render(row, live) {
    const n = row.notification;
    const tr = document.createElement('tr');
    tr.dataset.id = String(n.id);
    tr.dataset.via = row.via;
    tr.dataset.channel = row.channel;
    tr.dataset.timestamp = String(n.timestamp);
    const coordinates = n.partition === undefined ? '' : 'p' + n.partition + ' @' + n.offset;
    for (const [cls, text] of [['age', age(n.timestamp)], ['channel', row.channel], ['id', n.id],
      ['type', n.type || ''], ['coords', coordinates]]) {
      const td = document.createElement('td');
      td.className = cls;
      td.textContent = text;
      tr.appendChild(td);
    }
    const via = document.createElement('span');
    via.className = 'via ' + row.via;
    via.textContent = row.via === 'redis' ? 'redis, live' : 'kafka, recent';
    const td = document.createElement('td');
    td.appendChild(via);
    tr.appendChild(td);
    if (live) tr.classList.add('fresh');
    return tr;
  }

  function age(timestamp) {
    if (!(timestamp > 0)) return '';
    const ms = Math.max(0, Date.now() - timestamp);
    if (ms < 10000) return (ms / 1000).toFixed(1) + ' s';
    if (ms < 60000) return Math.round(ms / 1000) + ' s';
    if (ms < 3600000) return Math.round(ms / 60000) + ' min';
    return Math.round(ms / 3600000) + ' h';
  }

  async function show(id) {
    const entry = rows.get(id);
    if (!entry) return;
    if (selected) selected.classList.remove('selected');
    selected = entry.tr;
    selected.classList.add('selected');
    const n = entry.row.notification;
    const text = JSON.stringify(n);
    $('notification').textContent = JSON.stringify(n, null, 2);
    $('notification-bytes').textContent = text.length + ' bytes on ' + entry.row.channel
      + (entry.row.via === 'kafka' ? ' (caught up from Kafka)' : '');
    const event = $('event');
    delete event.dataset.id;
    if (n.topic === undefined || n.partition === undefined || n.offset === undefined) {
      event.textContent = 'This notification carries no Kafka coordinates (topic, partition, offset).';
      return;
    }
    event.textContent = 'fetching from Kafka…';
    $('event-meta').textContent = '';
    const started = performance.now();
    const response = await fetch('/event?topic=' + encodeURIComponent(n.topic) + '&partition=' + n.partition
      + '&offset=' + n.offset);
    const body = await response.json();
    if (selected !== entry.tr) return; // another row was clicked meanwhile
    if (!response.ok) {
      event.textContent = body.error;
      return;
    }
    event.textContent = JSON.stringify(body.value, null, 2);
    event.dataset.id = body.value && body.value.id !== undefined ? String(body.value.id) : '';
    $('event-meta').textContent = body.bytes + ' bytes at ' + body.topic + '-' + body.partition + ' offset '
      + body.offset + ', fetched in ' + Math.round(performance.now() - started) + ' ms';
  }

  function drawRate() {
    const now = Math.floor(Date.now() / 1000);
    const counts = [];
    for (let s = now - CHART_SECONDS; s < now; s++) counts.push(perSecond.get(s) || 0);
    for (const s of perSecond.keys()) if (s < now - CHART_SECONDS) perSecond.delete(s);
    const span = Math.max(1, Math.min(5, now - connectedAt)); // the last 5 whole seconds, or fewer since connecting
    const rate = counts.slice(-span).reduce((a, b) => a + b, 0) / span;
    $('rate').textContent = rate.toFixed(1) + '/s';
    $('total').textContent = total.toLocaleString('en') + ' received';
    const canvas = $('rate-chart');
    const ctx = canvas.getContext('2d');
    const w = canvas.width;
    const h = canvas.height;
    const top = Math.max(1, ...counts) * 1.15;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#d6372b';
    const bar = w / CHART_SECONDS;
    counts.forEach((c, i) => {
      const bh = (c / top) * (h - 16);
      ctx.fillRect(i * bar + 1, h - 14 - bh, bar - 2, bh);
    });
    ctx.fillStyle = '#6b7386';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(CHART_SECONDS + ' s ago', 2, h - 2);
    ctx.fillText('now', w - 22, h - 2);
    ctx.fillText('max ' + Math.max(0, ...counts) + '/s', 2, 11);
  }

  function drawBusiest() {
    const svg = $('busiest');
    const top = [...perChannel.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 8);
    const max = top.length ? top[0][1] : 1;
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    top.forEach(([channel, count], i) => {
      const g = document.createElementNS(ns, 'g');
      g.setAttribute('transform', 'translate(0,' + (i * 21) + ')');
      g.dataset.channel = channel;
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', '190');
      rect.setAttribute('y', '3');
      rect.setAttribute('height', '15');
      rect.setAttribute('rx', '2');
      rect.setAttribute('fill', '#2a62c9');
      rect.setAttribute('width', String(Math.max(2, (count / max) * 250)));
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', '184');
      label.setAttribute('y', '15');
      label.setAttribute('text-anchor', 'end');
      label.setAttribute('font-size', '11');
      label.textContent = channel.length > 30 ? '…' + channel.slice(-29) : channel;
      const value = document.createElementNS(ns, 'text');
      value.setAttribute('x', String(196 + (count / max) * 250));
      value.setAttribute('y', '15');
      value.setAttribute('font-size', '11');
      value.setAttribute('fill', '#6b7386');
      value.textContent = String(count);
      g.append(rect, label, value);
      svg.appendChild(g);
    });
  }

  function tick() {
    for (const tr of tbody.children) tr.firstElementChild.textContent = age(Number(tr.dataset.timestamp));
    drawRate();
    drawBusiest();
  }

  function watch(expression) {
    const hash = 'watch=' + encodeURIComponent(expression.trim());
    if (location.hash.slice(1) === hash) connect(expression.trim());
    else location.hash = hash; // hashchange connects; a reload keeps the watch
  }

  const list = document.querySelector('.list');
  list.addEventListener('mouseenter', () => { held = []; });
  list.addEventListener('mouseleave', () => {
    const rowsHeld = held;
    held = null;
    $('held').textContent = '';
    if (rowsHeld.length) insert(rowsHeld);
  });
  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr');
    if (tr) show(tr.dataset.id);
  });
  $('busiest').addEventListener('click', (e) => {
    const g = e.target.closest('g');
    if (g) watch(g.dataset.channel);
  });
  $('watch-form').addEventListener('submit', (e) => {
    e.preventDefault();
    watch($('watch').value || 'events:*');
  });
  window.addEventListener('hashchange', () => connect(watchInHash()));
  connect(watchInHash());
  setInterval(tick, 1000);
  tick();
})();
