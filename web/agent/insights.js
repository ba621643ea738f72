/*
 * The insights dashboard: signs a supervisor in (the console's own sign-in API), reads the
 * figures for a date range from /agent/api/insights and draws them with charts.js, and lets a
 * supervisor label the messages the assistant did not understand.
 */
/* global Charts -- defined by charts.js, loaded before this file */
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { csrf: '' };

  const JOB_NAMES = {
    bin_day_answered: 'Bin days answered',
    missed_bin_reported: 'Missed bins reported',
    permit_issued: 'Tip permits issued',
    permit_changed: 'Tip permits changed',
    permit_cancelled: 'Tip permits cancelled',
    tip_info_answered: 'Tip questions answered',
    council_tax_answered: 'Council tax answers',
    council_tax_request_made: 'Council tax requests made',
    signpost_given: 'Pointed to the right service',
  };
  const REASONS = {
    asked: 'Asked for a person',
    not_understood: 'Not understood',
    urgent: 'Urgent',
    job_needs_person: 'Job needs a person',
  };
  const NEXT_STEPS = {
    asked_again: 'Asked again',
    offered_person: 'Offered a person',
    handed_over: 'Handed to a person',
  };
  const CHANNELS = [
    { key: 'web', name: 'Web chat', className: 's-web' },
    { key: 'sms', name: 'SMS', className: 's-sms' },
  ];

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const response = await fetch(`/agent/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new HttpError(response.status, data.error || `Error ${response.status}`);
    return data;
  }

  function el(name, attributes, text) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const percent = (part, whole) => (whole ? `${Math.round((100 * part) / whole)}%` : '–');
  const seconds = (s) =>
    s === null ? 'none yet' : s < 90 ? `${Math.round(s)} seconds` : `${(s / 60).toFixed(1)} minutes`;
  const isoDay = (date) => date.toISOString().slice(0, 10);

  function show(section) {
    for (const id of ['login', 'forbidden', 'dashboard']) $(id).hidden = id !== section;
    $('me').hidden = section === 'login';
  }

  async function start() {
    try {
      const session = await api('GET', '/session');
      state.csrf = session.csrfToken;
      $('whoami').textContent = `Signed in as ${session.agent.displayName}`;
      if (session.agent.role !== 'supervisor') return show('forbidden');
      show('dashboard');
      await load();
    } catch (error) {
      if (error.status === 401) return show('login');
      $('status').textContent = error.message;
    }
  }

  function range() {
    return { from: $('from').value, to: $('to').value };
  }

  async function load() {
    const { from, to } = range();
    const query = `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    $('csv').href = `/agent/api/insights.csv${query}`;
    $('range-error').textContent = '';
    $('status').textContent = 'Loading…';
    try {
      const [report, inbox] = await Promise.all([
        api('GET', `/insights${query}`),
        api('GET', `/insights/inbox${query}`),
      ]);
      render(report);
      renderInbox(inbox);
      $('status').textContent = `Showing ${from} to ${to}.`;
    } catch (error) {
      $('status').textContent = '';
      if (error.status === 401) return show('login');
      $('range-error').textContent = error.message;
    }
  }

  function tile(label, value, detail) {
    const item = el('li', { class: 'tile' });
    item.append(el('span', { class: 'tile-label' }, label), el('span', { class: 'tile-value' }, value));
    if (detail) item.append(el('span', { class: 'tile-detail' }, detail));
    return item;
  }

  function facts(list, pairs) {
    list.replaceChildren();
    for (const [term, value] of pairs) list.append(el('dt', {}, term), el('dd', {}, value));
  }

  function render(r) {
    const total = r.conversations;
    $('headline').replaceChildren(
      tile('Conversations', String(total), CHANNELS.map((c) => `${r.byChannel[c.key] || 0} ${c.name}`).join(', ')),
      tile('Contained', percent(r.contained, total), `${r.contained} resolved without a person`),
      tile('Handed over', percent(r.handedOver.total, total), `${r.handedOver.total} needed a person`),
      tile('Abandoned', percent(r.abandoned, total), `${r.abandoned} left without an answer`),
      tile(
        'Ratings after a handoff',
        r.ratings.mean === null ? '–' : `${r.ratings.mean} / 5`,
        `${r.ratings.count} ratings`,
      ),
      tile(
        'Answered their question',
        percent(r.answeredQuestion.yes, r.answeredQuestion.yes + r.answeredQuestion.no),
        `${r.answeredQuestion.yes} yes, ${r.answeredQuestion.no} no`,
      ),
    );

    const days = r.days.map((d) => ({
      label: d.day,
      shortLabel: d.day.slice(5),
      values: CHANNELS.map((c) => d.byChannel[c.key] || 0),
    }));
    $('per-day').replaceChildren(Charts.columns('Conversations per day, by channel', days, CHANNELS));

    const outcomes = [
      { label: 'Contained', values: [r.contained], className: 's-good' },
      ...Object.entries(REASONS).map(([key, name]) => ({
        label: `Handed over: ${name.toLowerCase()}`,
        values: [r.handedOver.byReason[key]],
        className: 's-person',
      })),
      { label: 'Abandoned', values: [r.abandoned], className: 's-bad' },
      { label: 'Still in progress', values: [r.inProgress], className: 's-neutral' },
    ];
    $('outcomes').replaceChildren(Charts.bars('How conversations ended', outcomes, 's-neutral'));

    const jobs = Object.entries(JOB_NAMES).map(([key, name]) => ({ label: name, values: [r.jobsCompleted[key] || 0] }));
    $('jobs').replaceChildren(Charts.bars('Jobs completed', jobs, 's-good'));

    const intents = r.topIntents.map((t) => ({
      label: t.intent === 'None' ? 'Not understood (None)' : t.intent,
      values: [t.conversations],
    }));
    $('intents').replaceChildren(
      intents.length
        ? Charts.bars('What residents asked about first', intents, 's-web')
        : el('p', { class: 'hint' }, 'No conversations in these dates.'),
    );

    facts($('handoffs'), [
      ['Accepted by an agent', String(r.handoffs.accepted)],
      ['Average time to accept', seconds(r.handoffs.meanSecondsToAccept)],
      ['Average wait in the queue (everyone)', seconds(r.handoffs.meanSecondsWaiting)],
      ['Left the queue before an agent', String(r.handoffs.left)],
      ['Offered a callback after waiting', String(r.handoffs.callbackOffered)],
    ]);
    facts($('satisfaction'), [
      [
        'Ratings after a handoff',
        r.ratings.count ? `${r.ratings.count}, average ${r.ratings.mean} out of 5` : 'none yet',
      ],
      ['"Did this answer your question?"', `${r.answeredQuestion.yes} yes, ${r.answeredQuestion.no} no`],
      ['Messages not understood', String(r.notUnderstood)],
    ]);
    const scores = ['5', '4', '3', '2', '1'].map((s) => ({ label: `${s} out of 5`, values: [r.ratings.byScore[s]] }));
    $('ratings').replaceChildren(Charts.bars('Ratings after a handoff', scores, 's-person'));
    const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: r.smsCost.currency });
    facts($('sms'), [
      ['Texts sent', String(r.smsTexts)],
      ['Segments (what the council pays for)', String(r.smsSegments)],
      ['Cost', `${money.format(r.smsCost.total)} at ${money.format(r.smsCost.segmentPrice)} a segment`],
    ]);
  }

  function renderInbox({ entries, intents }) {
    const box = $('inbox');
    if (!entries.length) return box.replaceChildren(el('p', { class: 'hint' }, 'Nothing in these dates.'));
    const table = el('table', { class: 'data inbox-table' });
    table.append(
      el(
        'caption',
        {},
        entries.length === 1 ? '1 message not understood' : `${entries.length} messages not understood`,
      ),
    );
    const head = el('tr');
    for (const h of ['When', 'Channel', 'Message (personal details masked)', 'What the assistant did', 'Label'])
      head.append(el('th', { scope: 'col' }, h));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const entry of entries) {
      const row = el('tr');
      const when = new Date(entry.at).toLocaleString('en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Europe/London',
      });
      row.append(
        el('td', {}, when),
        el('td', {}, entry.channel === 'sms' ? 'SMS' : 'Web chat'),
        el('td', { class: 'said' }, entry.text),
        el('td', {}, NEXT_STEPS[entry.nextStep] || entry.nextStep),
      );
      row.append(labelCell(entry, intents));
      tbody.append(row);
    }
    table.append(thead, tbody);
    box.replaceChildren(table);
  }

  function labelCell(entry, intents) {
    const cell = el('td');
    const form = el('form', { class: 'label-form' });
    const selectId = `label-${entry.id}`;
    const select = el('select', { id: selectId });
    select.append(el('option', { value: '' }, 'Choose…'));
    for (const intent of intents)
      select.append(el('option', { value: `intent:${intent}` }, intent === 'None' ? 'Out of scope (None)' : intent));
    select.append(el('option', { value: 'signpost' }, 'A new signpost…'));
    if (entry.label) select.value = entry.label.startsWith('signpost: ') ? 'signpost' : `intent:${entry.label}`;
    const noteId = `note-${entry.id}`;
    const note = el('input', { id: noteId, type: 'text', maxlength: '80', placeholder: 'Service to signpost' });
    const noteLabel = el('label', { for: noteId, class: 'visually-hidden' }, 'Service to signpost');
    note.hidden = select.value !== 'signpost';
    noteLabel.hidden = note.hidden;
    if (entry.label && entry.label.startsWith('signpost: ')) note.value = entry.label.slice('signpost: '.length);
    select.addEventListener('change', () => {
      note.hidden = select.value !== 'signpost';
      noteLabel.hidden = note.hidden;
    });
    const save = el('button', { type: 'submit' }, 'Save');
    const done = el('span', { class: 'saved', role: 'status' });
    form.append(
      el(
        'label',
        { for: selectId, class: 'visually-hidden' },
        `Label for the message sent ${new Date(entry.at).toLocaleString('en-GB')}`,
      ),
      select,
      noteLabel,
      note,
      save,
      done,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      done.textContent = '';
      const value = select.value;
      if (!value) return (done.textContent = 'Choose a label first.');
      const body = value === 'signpost' ? { signpost: note.value } : { intent: value.slice('intent:'.length) };
      try {
        await api('POST', `/insights/inbox/${entry.id}/label`, body);
        done.textContent = 'Saved';
      } catch (error) {
        done.textContent = error.message;
      }
    });
    cell.append(form);
    return cell;
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      await api('POST', '/login', { username: $('username').value, password: $('password').value });
      $('password').value = '';
      await start();
    } catch (error) {
      $('login-error').textContent = error.message;
    }
  });
  $('sign-out').addEventListener('click', async () => {
    await api('POST', '/logout').catch(() => undefined);
    show('login');
  });
  $('range').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });

  // The last 7 days (London) by default, or the dates in the address (?from=&to=).
  const params = new URLSearchParams(location.search);
  const today = new Date();
  $('to').value = params.get('to') || isoDay(today);
  $('from').value = params.get('from') || isoDay(new Date(today.getTime() - 6 * 86400000));
  start();
})();
