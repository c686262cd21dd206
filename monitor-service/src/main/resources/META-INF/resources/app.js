// Overfit Guard dashboard: helpers shared by the pages (no libraries). Reads /api/runs and /api/stream.
'use strict';

const OG = (() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // --- values: the API writes non-finite doubles as the strings "NaN" / "Infinity" ----------------
  function num(v) {
    if (v === null || v === undefined || v === '') return null;
    return typeof v === 'number' ? v : Number(v);
  }

  function finite(v) {
    const n = num(v);
    return n !== null && Number.isFinite(n);
  }

  function fixed(v, digits = 3) {
    const n = num(v);
    if (n === null) return '–';
    return Number.isFinite(n) ? n.toFixed(digits) : String(n);
  }

  function int(v) {
    const n = num(v);
    if (n === null) return '–';
    return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
  }

  function sci(v) {
    const n = num(v);
    if (n === null) return '–';
    return Number.isFinite(n) ? n.toExponential(2) : String(n);
  }

  function time(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString('en-GB');
  }

  // --- DOM ---------------------------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(c ?? '')));
    return node;
  }

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
  }

  function stateBadge(state) {
    return el('span', {class: `state state-${state || 'unknown'}`}, state || 'unknown');
  }

  function runLink(runId) {
    return el('a', {href: `run.html?id=${encodeURIComponent(runId)}`, class: 'mono'}, runId);
  }

  async function getJSON(url) {
    const response = await fetch(url, {cache: 'no-store'});
    if (!response.ok) {
      const error = new Error(`${url}: HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // --- live updates: server-sent events (api/stream), else polling every 2 s ----------------------
  // refresh() reloads what the page shows; it runs at start, on every change message for which
  // relevant(message) holds ({run_id, state, step}), and every 2 s while the event stream is down.
  // Refreshes never overlap: changes during one are folded into a single next refresh.
  function live(refresh, relevant = () => true) {
    const status = document.getElementById('live');
    let busy = false;
    let again = false;
    let poller = null;

    async function run() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        await refresh();
      } catch (e) {
        console.warn('refresh failed', e);
      } finally {
        busy = false;
        if (again) {
          again = false;
          run();
        }
      }
    }

    function setStatus(mode) {
      if (!status) return;
      status.className = `live ${mode}`;
      status.textContent = mode === 'on' ? 'live' : 'polling every 2 s';
    }

    function startPolling() {
      if (poller === null) {
        poller = setInterval(run, 2000);
        setStatus('polling');
      }
    }

    run();
    // A held-open stream stops the virtual clock of headless browsers (page dumps, screenshots, the
    // dashboard test): they poll instead.
    if (typeof EventSource === 'undefined' || /HeadlessChrome/.test(navigator.userAgent)) {
      startPolling();
      return;
    }
    const source = new EventSource('api/stream');
    source.onopen = () => {
      if (poller !== null) {
        clearInterval(poller);
        poller = null;
        run(); // catch up with what changed while polling
      }
      setStatus('on');
    };
    source.onmessage = message => {
      let change = null;
      try {
        change = JSON.parse(message.data);
      } catch (e) {
        // not ours: refresh anyway
      }
      if (change === null || relevant(change)) run();
    };
    source.onerror = () => startPolling(); // EventSource reconnects by itself; poll meanwhile
  }

  // --- charts --------------------------------------------------------------------------------------
  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const error = raw / magnitude;
    const step = (error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1) * magnitude;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      ticks.push(Number(v.toPrecision(12)));
    }
    return ticks;
  }

  function tickLabel(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(0);
    return String(Number(v.toPrecision(6)));
  }

  /**
   * Draws a line chart into an <svg> element.
   * spec: {width, height, series: [{cls, color?, points: [{x, y, ...}], dots?: {cls(p), title(p), r}}],
   *        markers: [{x, cls, label, labelCls, row}], ticksAtBottom: [{x, cls, title}], xLabel, yLabel, yMin, empty}
   * (dots.r is a radius or a function of the point)
   * Non-finite y values break a line. Dots carry data-step = x.
   */
  function lineChart(target, spec) {
    const width = spec.width || 800;
    const height = spec.height || 320;
    const m = {left: 58, right: 18, top: 22, bottom: 40};
    target.replaceChildren();
    target.setAttribute('viewBox', `0 0 ${width} ${height}`);
    target.setAttribute('class', 'chart');

    const points = spec.series.flatMap(s => s.points).filter(p => finite(p.x) && finite(p.y));
    if (points.length === 0) {
      target.append(svg('text', {x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty-note'},
        spec.empty || 'no data yet'));
      return;
    }
    const markers = (spec.markers || []).filter(mk => finite(mk.x));
    const xs = points.map(p => p.x).concat(markers.map(mk => mk.x));
    let xLo = Math.min(0, ...xs);
    let xHi = Math.max(...xs);
    if (xHi <= xLo) xHi = xLo + 1;
    let yLo = Math.min(...points.map(p => p.y));
    let yHi = Math.max(...points.map(p => p.y));
    if (spec.yMin !== undefined) yLo = Math.min(yLo, spec.yMin);
    if (yHi <= yLo) { yHi += Math.abs(yHi) * 0.1 || 1; yLo -= Math.abs(yLo) * 0.1 || (spec.yMin === 0 ? 0 : 1); }
    const pad = (yHi - yLo) * 0.06;
    yHi += pad;
    if (spec.yMin === undefined) yLo -= pad;

    const X = x => m.left + (x - xLo) / (xHi - xLo) * (width - m.left - m.right);
    const Y = y => height - m.bottom - (y - yLo) / (yHi - yLo) * (height - m.top - m.bottom);

    for (const t of niceTicks(yLo, yHi, 5)) {
      target.append(svg('line', {x1: m.left, x2: width - m.right, y1: Y(t), y2: Y(t), class: 'grid-line'}));
      target.append(svg('text', {x: m.left - 6, y: Y(t) + 4, 'text-anchor': 'end'}, tickLabel(t)));
    }
    for (const t of niceTicks(xLo, xHi, 8)) {
      target.append(svg('line', {x1: X(t), x2: X(t), y1: height - m.bottom, y2: height - m.bottom + 4, class: 'axis'}));
      target.append(svg('text', {x: X(t), y: height - m.bottom + 16, 'text-anchor': 'middle'}, tickLabel(t)));
    }
    target.append(svg('line', {x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom, class: 'axis'}));
    target.append(svg('line', {x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom, class: 'axis'}));
    if (spec.xLabel) {
      target.append(svg('text', {x: (width + m.left) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label'}, spec.xLabel));
    }
    if (spec.yLabel) {
      target.append(svg('text', {x: 12, y: (height - m.bottom + m.top) / 2, 'text-anchor': 'middle', class: 'axis-label',
        transform: `rotate(-90 12 ${(height - m.bottom + m.top) / 2})`}, spec.yLabel));
    }

    for (const mk of markers) {
      target.append(svg('line', {x1: X(mk.x), x2: X(mk.x), y1: m.top, y2: height - m.bottom, class: mk.cls, 'data-step': mk.x}));
      if (mk.label) {
        // near the right edge the label goes to the left of its line, so it is never cut off
        const nearRight = X(mk.x) > width - m.right - 90;
        target.append(svg('text', {x: X(mk.x) + (nearRight ? -4 : 4), y: m.top - 6 + (mk.row || 0) * 12,
          'text-anchor': nearRight ? 'end' : 'start', class: `marker-label ${mk.labelCls || ''}`}, mk.label));
      }
    }

    for (const s of spec.series) {
      let d = '';
      let pen = false;
      for (const p of s.points) {
        if (!finite(p.x) || !finite(p.y)) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`;
        pen = true;
      }
      if (d) {
        const path = svg('path', {d, class: s.cls});
        if (s.color) path.style.stroke = s.color;
        target.append(path);
      }
      if (s.dots) {
        for (const p of s.points) {
          if (!finite(p.x) || !finite(p.y)) continue;
          const r = typeof s.dots.r === 'function' ? s.dots.r(p) : s.dots.r || 4;
          const dot = svg('circle', {cx: X(p.x).toFixed(1), cy: Y(p.y).toFixed(1), r,
            class: s.dots.cls(p), 'data-step': p.x});
          if (s.color) dot.style.fill = s.color;
          if (s.dots.title) dot.append(svg('title', {}, s.dots.title(p)));
          target.append(dot);
        }
      }
    }
    for (const extra of spec.ticksAtBottom || []) {
      if (!finite(extra.x)) continue;
      const mark = svg('rect', {x: X(extra.x) - 3, y: height - m.bottom - 8, width: 6, height: 6, class: extra.cls, 'data-step': extra.x});
      if (extra.title) mark.append(svg('title', {}, extra.title));
      target.append(mark);
    }
  }

  // --- services: which are up (their consumer group has members), in every page's header ---------
  // A service that died shows "down" within its session timeout (15 s), until it joins again.
  async function services() {
    const strip = document.getElementById('services');
    if (!strip) return;
    try {
      const list = await getJSON('api/services');
      strip.replaceChildren(...list.map(s => el('span', {
        class: `service service-${s.up ? 'up' : 'down'}`, 'data-service': s.service,
        title: `${s.service}: ${s.up ? `up, ${s.members} consumer(s)` : 'down'} since ${time(s.since)}`,
      }, `${s.service.replace(/-service$/, '')} ${s.up ? 'up' : 'down'}`)));
    } catch (e) {
      console.warn('services failed', e);
    }
  }
  services();
  setInterval(services, 5000);

  const PALETTE = ['#dd6b20', '#2b6cb0', '#2f855a', '#6b46c1', '#c53030', '#319795', '#b7791f', '#d53f8c', '#4a5568', '#38a169'];

  return {num, finite, fixed, int, sci, time, el, svg, stateBadge, runLink, getJSON, live, lineChart, PALETTE};
})();
