// One run: the overfitting picture (training vs held-out loss, best step and stop marked), learning
// rate, patience and samples. GET api/runs/{id}, refreshed when the stream says this run changed.
'use strict';
const {el, finite, fixed, int, time, stateBadge, getJSON, live, lineChart} = OG;

const runId = new URLSearchParams(location.search).get('id');

function fact(label, value, extra) {
  return el('div', {}, el('dt', {}, label), el('dd', {}, value, extra || ''));
}

function renderHeader(run) {
  document.title = `${run.run_id} · Overfit Guard`;
  document.getElementById('run-id').textContent = run.run_id;
  document.getElementById('run-state').replaceChildren(stateBadge(run.state));
  const sub = document.getElementById('run-subtitle');
  sub.replaceChildren(run.name || 'unnamed run',
    run.sweep_id ? el('span', {}, ' · sweep ', el('a', {href: `compare.html?sweep=${encodeURIComponent(run.sweep_id)}`}, run.sweep_id)) : '',
    run.variant ? ` · variant ${run.variant}` : '',
    run.device ? ` · ${run.device}` : '',
    run.trainer_id ? ` on ${run.trainer_id}` : '');

  const banner = document.getElementById('banner');
  if (run.failure) {
    banner.replaceChildren(el('div', {class: 'banner failed'}, `Failed (${run.failure.service}): ${run.failure.reason}`));
  } else if (run.stop) {
    banner.replaceChildren(el('div', {class: 'banner stop'},
      `Early stop at step ${run.stop.at_step}: ${run.stop.reason}`,
      run.stop.best_step !== null && run.stop.best_step !== undefined ? `, best step ${run.stop.best_step} (${run.stop.monitor} ${fixed(run.stop.best_value)})` : '',
      run.stop.detail ? ` · ${run.stop.detail}` : ''));
  } else if (run.completion) {
    banner.replaceChildren(el('div', {class: 'banner done'},
      `Completed after ${int(run.completion.steps)} steps (${run.completion.reason}); final model from step ${run.completion.best_step ?? '–'}`));
  } else {
    banner.replaceChildren();
  }
}

// The run's switches in a line each: the architecture (the request's point 7), the regularizers in
// the model and the loss, and where its held-out data comes from.
function switches(spec) {
  if (!spec) return [];
  const m = spec.model || {}, r = spec.regularization || {}, d = r.dropout || {}, data = spec.data || {};
  const norm = m.norm === 'none' ? 'no norm' : `${m.norm}-${m.norm_kind === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm'}`;
  const drops = ['embedding', 'attention', 'residual', 'heads', 'mlp'].filter(k => d[k] > 0).map(k => `${k} ${d[k]}`);
  const regs = [];
  if (drops.length) regs.push(`dropout ${drops.join(', ')}`);
  if (r.weight_decay > 0) regs.push(`weight decay ${r.weight_decay} (${r.weight_decay_mode === 'l2' ? 'L2 in the loss' : 'decoupled'})`);
  if (r.label_smoothing > 0) regs.push(`label smoothing ${r.label_smoothing} (${r.label_smoothing_mode === 'others' ? 'over the wrong classes' : 'uniform'})`);
  if (r.weight_tying) regs.push('weight tying');
  const heldOut = data.heldout_path ? `the file ${data.heldout_path}`
    : `${data.split === 'tail' ? 'the last' : 'a random'} ${Math.round(100 * data.held_out_fraction)} %`;
  return [
    fact('architecture', `${m.layers} × ${norm}, residual ${m.residual === false ? 'off' : 'on'}`),
    fact('regularizers', regs.length ? regs.join(' · ') : 'none in the model and loss'),
    fact('held out', heldOut)];
}

function renderFacts(run) {
  const progress = run.max_steps
    ? el('div', {class: 'progress'}, el('span', {style: `width:${Math.min(100, 100 * run.step / run.max_steps).toFixed(1)}%`}))
    : '';
  document.getElementById('facts').replaceChildren(
    fact('step', run.max_steps ? `${int(run.step)} / ${int(run.max_steps)}` : int(run.step), progress),
    fact('training loss', fixed(run.train_loss)),
    fact('held-out loss', fixed(run.heldout_loss)),
    fact('best held-out', fixed(run.best_heldout_loss), run.best_step !== null && run.best_step !== undefined ? ` @ ${run.best_step}` : ''),
    fact('patience left', run.patience_left ?? '–'),
    fact('stop reason', run.stop_reason || '–'),
    fact('tokens / s', int(run.tokens_per_second)),
    fact('steps / s', fixed(run.steps_per_second, 2)),
    fact('checkpoints', int(run.checkpoints)),
    fact('updated', time(run.updated_at)),
    ...switches(run.spec));
}

function renderLossChart(run) {
  const ok = run.evaluations.filter(e => e.status === 'ok' && finite(e.heldout_loss));
  const failed = run.evaluations.filter(e => e.status !== 'ok');
  const markers = [];
  if (run.best_step !== null && run.best_step !== undefined) {
    markers.push({x: run.best_step, cls: 'best-marker', label: `best ${run.best_step}`, labelCls: 'best'});
  }
  if (run.stop) {
    markers.push({x: run.stop.at_step, cls: 'stop-marker', label: `stop ${run.stop.at_step}`, labelCls: 'stop', row: 1});
  } else if (run.completion) {
    markers.push({x: run.completion.steps, cls: 'stop-marker', label: `end (${run.completion.reason})`, labelCls: 'stop', row: 1});
  }
  lineChart(document.getElementById('loss-chart'), {
    height: 340,
    xLabel: 'step',
    yLabel: 'loss (nats / token)',
    markers,
    series: [
      {cls: 'train-line', points: run.steps.map(s => ({x: s.step, y: s.cross_entropy}))},
      {
        cls: 'heldout-line',
        points: ok.map(e => ({x: e.step, y: e.heldout_loss, e})),
        dots: {
          cls: p => p.x === run.best_step ? 'heldout-point best' : 'heldout-point',
          title: p => `step ${p.x}: held-out ${fixed(p.y)}, train ${fixed(p.e.train_loss)}, gap ${fixed(p.e.gap)}, accuracy ${fixed(p.e.accuracy)}`,
        },
      },
    ],
    ticksAtBottom: failed.map(e => ({x: e.step, cls: 'error-point', title: `step ${e.step}: evaluation failed: ${e.error}`})),
    empty: 'no step metrics or evaluations yet',
  });
}

function renderSmallCharts(run) {
  lineChart(document.getElementById('lr-chart'), {
    width: 560, height: 220, xLabel: 'step', yMin: 0,
    series: [{cls: 'lr-line', points: run.steps.map(s => ({x: s.step, y: s.learning_rate}))}],
  });
  lineChart(document.getElementById('patience-chart'), {
    width: 560, height: 220, xLabel: 'step', yMin: 0,
    series: [{cls: 'patience-line', points: run.evaluations.map(e => ({x: e.step, y: e.patience_left})),
      dots: {cls: () => 'patience-point', title: p => `step ${p.x}: ${p.y} left`, r: 3}}],
    empty: 'no evaluations yet',
  });
}

function renderSamples(run) {
  const withText = run.evaluations.filter(e => e.sample).slice().reverse();
  document.getElementById('samples').replaceChildren(...(withText.length
    ? withText.map(e => el('li', {'data-step': e.step},
        el('div', {class: 'meta'}, `step ${e.step} · held-out ${fixed(e.heldout_loss)} · ${time(e.time)}`),
        el('pre', {}, e.sample)))
    : [el('li', {class: 'muted'}, 'no samples yet: each evaluation writes one')]));
}

let links = null;

async function renderModel(run) {
  const box = document.getElementById('model');
  if (!run.completion || !run.completion.final_model_path) {
    box.replaceChildren(el('p', {class: 'muted'}, 'the final model is exported when the run has completed'));
    return;
  }
  links = links || await getJSON('api/links');
  const base = `${links.trainer}/runs/${encodeURIComponent(run.run_id)}/export/final/`;
  const file = (name, label) => el('li', {}, el('a', {href: base + name, download: name === 'README.md' ? null : name}, label || name));
  box.replaceChildren(
    el('p', {}, 'Final model from step ', String(run.completion.best_step ?? '–'),
      ' in the Hugging Face layout (GPT-2 names, safetensors), written by trainer-service on first download:'),
    el('ul', {class: 'files'},
      file('README.md', 'model card (README.md)'), file('model.safetensors'), file('config.json'),
      file('vocab.json'), file('tokenizer_config.json')),
    el('p', {class: 'muted'}, 'or from the terminal: ', el('code', {}, `./ensemble export --run ${run.run_id} --out DIR`),
      ' · text: ', el('code', {}, `./ensemble generate --run ${run.run_id} --prompt "the "`)));
}

/** One line on the corpus: its size, its split, and what data-service had to drop from it (bad UTF-8, unusable jsonl lines). */
function corpusLine(d) {
  const n = x => Number(x).toLocaleString('en');
  const parts = [`Corpus: ${n(d.documents)} documents, ${n(d.corpus_chars)} characters; ${n(d.train_tokens)} training tokens,`
    + ` ${n(d.held_out_tokens)} of ${n(d.held_out_split_tokens || d.held_out_tokens)} held-out tokens scored per evaluation`];
  if (d.invalid_utf8_sequences > 0) parts.push(`${n(d.invalid_utf8_sequences)} malformed UTF-8 sequences dropped`);
  if (d.skipped_lines > 0) parts.push(`${n(d.skipped_lines)} jsonl lines skipped`);
  return parts.join(' · ');
}

function renderDetails(run) {
  document.getElementById('corpus').textContent = run.dataset ? corpusLine(run.dataset) : '';
  document.getElementById('spec').textContent = run.spec ? JSON.stringify(run.spec, null, 2) : 'not seen yet';
  document.getElementById('dataset').textContent = run.dataset ? JSON.stringify(run.dataset, null, 2) : 'not prepared yet';
}

async function refresh() {
  if (!runId) {
    document.getElementById('run-id').textContent = 'no run id: open run.html?id=<run id>';
    return;
  }
  let run;
  try {
    run = await getJSON(`api/runs/${encodeURIComponent(runId)}`);
  } catch (e) {
    if (e.status === 404) {
      document.getElementById('run-id').textContent = runId;
      document.getElementById('run-subtitle').textContent = 'not seen yet; this page updates when its first event arrives';
      return;
    }
    throw e;
  }
  renderHeader(run);
  renderFacts(run);
  renderLossChart(run);
  renderSmallCharts(run);
  renderSamples(run);
  renderDetails(run);
  await renderModel(run);
}

live(refresh, change => change.run_id === runId);
