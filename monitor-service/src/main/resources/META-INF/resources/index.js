// The runs table: GET api/runs, refreshed live.
'use strict';
const {el, fixed, int, time, stateBadge, runLink, getJSON, live} = OG;

function row(run) {
  const sweep = run.sweep_id
    ? el('span', {}, el('a', {href: `compare.html?sweep=${encodeURIComponent(run.sweep_id)}`}, run.sweep_id),
        run.variant ? ` / ${run.variant}` : '')
    : (run.variant || '–');
  const step = run.max_steps ? `${int(run.step)} / ${int(run.max_steps)}` : int(run.step);
  return el('tr', {'data-run-id': run.run_id},
    el('td', {}, runLink(run.run_id)),
    el('td', {}, run.name || '–'),
    el('td', {}, sweep),
    el('td', {}, stateBadge(run.state)),
    el('td', {class: 'num'}, step),
    el('td', {class: 'num'}, fixed(run.train_loss)),
    el('td', {class: 'num'}, fixed(run.heldout_loss)),
    el('td', {class: 'num'}, fixed(run.best_heldout_loss)),
    el('td', {class: 'num'}, run.best_step ?? '–'),
    el('td', {}, run.stop_reason || '–'),
    el('td', {class: 'num'}, run.patience_left ?? '–'),
    el('td', {class: 'muted'}, time(run.updated_at)));
}

async function refresh() {
  const runs = await getJSON('api/runs');
  const body = document.querySelector('#runs tbody');
  body.replaceChildren(...(runs.length
    ? runs.map(row)
    : [el('tr', {}, el('td', {class: 'empty', colspan: 12}, 'No runs yet: submit one to trainer-service (POST /runs).'))]));
}

live(refresh);
