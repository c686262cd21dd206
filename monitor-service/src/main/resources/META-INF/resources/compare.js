// Several runs on one chart (sweeps, ablations): GET api/runs for the table, api/runs/{id} for the
// curves of the shown runs. ?sweep=<id> selects a sweep's runs.
'use strict';
const {el, finite, fixed, int, stateBadge, runLink, getJSON, live, lineChart, PALETTE} = OG;

const MAX_SHOWN_BY_DEFAULT = 10;
const params = new URLSearchParams(location.search);
const sweepSelect = document.getElementById('sweep');
const showTrain = document.getElementById('show-train');
const choice = new Map();   // run id -> shown or not, where the user ticked or unticked it

function selectedSweep() {
  return sweepSelect.value;
}

function renderSweeps(runs) {
  const sweeps = [...new Set(runs.map(r => r.sweep_id).filter(Boolean))].sort();
  const current = sweepSelect.value || params.get('sweep') || '';
  sweepSelect.replaceChildren(el('option', {value: ''}, 'all runs'),
    ...sweeps.map(s => el('option', {value: s}, s)));
  if (current && !sweeps.includes(current)) sweepSelect.append(el('option', {value: current}, current));
  sweepSelect.value = current;
}

function colorOf(index) {
  return PALETTE[index % PALETTE.length];
}

function renderTable(runs, shown) {
  const body = document.querySelector('#compare-runs tbody');
  if (runs.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', {class: 'empty', colspan: 10}, 'No runs here yet.')));
    return;
  }
  body.replaceChildren(...runs.map((run, i) => {
    const box = el('input', {type: 'checkbox', checked: shown.includes(run.run_id) ? 'checked' : null});
    box.addEventListener('change', () => {
      choice.set(run.run_id, box.checked);
      refresh();
    });
    const swatch = el('span', {style: `display:inline-block;width:10px;height:10px;border-radius:5px;margin-left:6px;background:${colorOf(i)}`});
    return el('tr', {'data-run-id': run.run_id},
      el('td', {}, box, swatch),
      el('td', {}, runLink(run.run_id)),
      el('td', {}, run.name || '–'),
      el('td', {}, run.variant || '–'),
      el('td', {}, stateBadge(run.state)),
      el('td', {class: 'num'}, int(run.step)),
      el('td', {class: 'num'}, fixed(run.heldout_loss)),
      el('td', {class: 'num'}, fixed(run.best_heldout_loss)),
      el('td', {class: 'num'}, run.best_step ?? '–'),
      el('td', {}, run.stop_reason || '–'));
  }));
}

// A sweep's line: how many runs, how many ended, how many ASHA pruned, the steps trained, the best so far.
function renderSummary(runs) {
  const box = document.getElementById('compare-summary');
  if (runs.length === 0) {
    box.replaceChildren();
    return;
  }
  const ended = runs.filter(r => ['completed', 'failed', 'cancelled'].includes(r.state)).length;
  const pruned = runs.filter(r => r.stop_reason === 'pruned').length;
  const paused = runs.filter(r => r.state === 'paused').length;
  const steps = runs.reduce((sum, r) => sum + (r.step || 0), 0);
  const best = runs.filter(r => finite(r.best_heldout_loss)).sort((a, b) => a.best_heldout_loss - b.best_heldout_loss)[0];
  box.replaceChildren(el('span', {'data-summary': 'runs'}, `${runs.length} runs, ${ended} ended` + (paused ? `, ${paused} paused at a rung` : '')),
    el('span', {'data-summary': 'pruned'}, `${pruned} pruned by ASHA`),
    el('span', {'data-summary': 'steps'}, `${int(steps)} steps trained`),
    el('span', {'data-summary': 'best'}, best ? `best ${fixed(best.best_heldout_loss)}: ${best.variant || best.name || best.run_id}` : 'no best yet'));
}

async function renderChart(runs, shown) {
  const details = await Promise.all(shown.map(id => getJSON(`api/runs/${encodeURIComponent(id)}`).catch(() => null)));
  const series = [];
  const legend = [];
  details.forEach(run => {
    if (!run) return;
    const color = colorOf(runs.findIndex(r => r.run_id === run.run_id));
    const ok = run.evaluations.filter(e => e.status === 'ok' && finite(e.heldout_loss));
    // a trial ASHA pruned: its judged evaluation is marked (the trainer ran a few steps more while the stop travelled)
    const prunedAt = run.stop && run.stop.reason === 'pruned' ? run.stop.at_step : null;
    const kind = p => p.x === prunedAt ? 'compare-pruned' : p.x === run.best_step ? 'compare-best' : 'compare-point';
    series.push({cls: 'compare-line', color, points: ok.map(e => ({x: e.step, y: e.heldout_loss})),
      dots: {cls: kind, r: p => kind(p) === 'compare-point' ? 2.5 : 6,
        title: p => `${run.run_id} step ${p.x}: held-out ${fixed(p.y)}${p.x === prunedAt ? ' (pruned here by ASHA)' : ''}`}});
    if (showTrain.checked) {
      series.push({cls: 'train-dashed', color, points: run.steps.map(s => ({x: s.step, y: s.cross_entropy}))});
    }
    const label = [run.run_id, run.variant].filter(Boolean).join(' · ');
    legend.push(el('span', {style: `--swatch:${color}`}, `${label} (best ${fixed(run.best_heldout_loss)} @ ${run.best_step ?? '–'})`));
  });
  lineChart(document.getElementById('compare-chart'), {
    height: 380, xLabel: 'step', yLabel: showTrain.checked ? 'loss (held-out solid, training dashed)' : 'held-out loss',
    series, empty: 'no evaluations among the shown runs yet',
  });
  document.getElementById('compare-legend').replaceChildren(...legend);
}

async function refresh() {
  const all = await getJSON('api/runs');
  renderSweeps(all);
  const sweep = selectedSweep();
  const runs = all.filter(r => !sweep || r.sweep_id === sweep);
  const shown = runs.filter((r, i) => choice.has(r.run_id) ? choice.get(r.run_id) : i < MAX_SHOWN_BY_DEFAULT)
    .map(r => r.run_id);
  renderTable(runs, shown);
  renderSummary(sweep ? runs : []);
  await renderChart(runs, shown);
}

sweepSelect.addEventListener('change', () => {
  const url = new URL(location.href);
  if (sweepSelect.value) url.searchParams.set('sweep', sweepSelect.value); else url.searchParams.delete('sweep');
  history.replaceState(null, '', url);
  refresh();
});
showTrain.addEventListener('change', () => refresh());

live(refresh);
