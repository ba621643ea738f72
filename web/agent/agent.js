// The agent console: a workspace for a whole shift. Plain JavaScript, no framework. Every value
// from the server is written with textContent (never as HTML); markdown goes through
// markdown.js, which builds DOM nodes. The session cookie is HttpOnly; the CSRF token lives
// only in memory. Timers run from the server's clock (an offset taken at each fetch), so they
// advance every second without any event from the server.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const CHANNEL = { web: 'Web Chat', sms: 'SMS' };
  // Waiting-time thresholds (seconds): amber, then red. Urgent residents turn sooner.
  const THRESHOLDS = { urgent: [30, 60], normal: [120, 300] };
  const TITLE = document.title;

  const state = {
    csrf: '',
    agent: null,
    availability: 'available',
    socket: null,
    offset: 0,
    outcomes: [],
    agents: [],
    replies: [],
    waiting: [],
    mine: [],
    /** Waiting ids already seen, so only new arrivals are announced. */
    seen: null,
    /** id -> { panel, tab, view, keys: Set } for each open conversation. */
    open: new Map(),
    active: null,
    audio: null,
  };

  async function api(method, path, body) {
    const response = await fetch('/agent/api' + path, {
      method,
      credentials: 'same-origin',
      headers: method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf },
      body: method === 'GET' ? undefined : JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== '/login') showLogin();
    if (!response.ok)
      throw Object.assign(new Error(data.error || 'Something went wrong. Try again.'), { status: response.status });
    if (typeof data.serverNow === 'number') state.offset = data.serverNow - Date.now();
    return data;
  }

  const serverNow = () => Date.now() + state.offset;
  function say(text) {
    $('status').textContent = text;
  }
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function button(text, onClick, className) {
    const node = el('button', text, className);
    node.type = 'button';
    node.addEventListener('click', onClick);
    return node;
  }
  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + String(s % 60).padStart(2, '0') + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function timeOfDay(ms) {
    return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  }

  // ---- timers: every element with data-since / data-due is refreshed once a second ----------
  function tick() {
    const now = serverNow();
    for (const node of document.querySelectorAll('[data-since]')) {
      const seconds = (now - Number(node.dataset.since)) / 1000;
      node.textContent = clock(seconds);
      const [amber, red] = THRESHOLDS[node.dataset.priority] || THRESHOLDS.normal;
      const level = seconds >= red ? 'late' : seconds >= amber ? 'slow' : 'ok';
      node.dataset.level = level;
      const label = node.parentElement && node.parentElement.querySelector('.wait-level');
      if (label) label.textContent = level === 'late' ? ' (long wait)' : level === 'slow' ? ' (getting long)' : '';
    }
    for (const node of document.querySelectorAll('[data-due]')) {
      const seconds = (Number(node.dataset.due) - now) / 1000;
      node.textContent = seconds > 0 ? 'callback offered in ' + clock(seconds) : 'callback being offered now';
    }
  }
  setInterval(tick, 1000);

  // ---- sign-in ------------------------------------------------------------------------------
  function showLogin() {
    state.agent = null;
    $('login').hidden = false;
    $('console').hidden = true;
    $('me').hidden = true;
    $('urgent').hidden = true;
    document.title = TITLE;
    if (state.socket) state.socket.close();
  }

  async function signedIn(session) {
    state.csrf = session.csrfToken;
    state.agent = session.agent;
    $('login').hidden = true;
    $('console').hidden = false;
    $('me').hidden = false;
    $('whoami').textContent = 'Signed in as ' + session.agent.displayName;
    // Supervisors also read how well the assistant is working.
    $('insights-link').hidden = session.agent.role !== 'supervisor';
    $('alerts').hidden = !('Notification' in window) || Notification.permission !== 'default';
    const [agents, replies] = await Promise.all([api('GET', '/agents'), api('GET', '/saved-replies')]);
    state.agents = agents.agents;
    state.replies = replies.replies;
    connect();
    await refreshQueue();
    await refreshCallbacks();
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(scheme + '//' + location.host + '/agent/api/socket');
    state.socket = socket;
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === 'queue') {
        refreshQueue();
        refreshCallbacks();
      }
      if ((data.type === 'message' || data.type === 'request') && state.open.has(data.requestId))
        loadConversation(data.requestId);
      if (data.type === 'request') refreshQueue();
    };
    socket.onclose = (event) => {
      // 4401: the session ended (signed out elsewhere, account disabled, expired): sign in again.
      if (event.code === 4401 && state.socket === socket) return showLogin();
      if (state.agent && state.socket === socket) setTimeout(connect, 2000);
    };
  }

  // ---- alerts -------------------------------------------------------------------------------
  function beep(urgent) {
    try {
      state.audio = state.audio || new AudioContext();
      const context = state.audio;
      const tones = urgent ? [880, 660, 880] : [660];
      tones.forEach((frequency, i) => {
        const osc = context.createOscillator();
        const gain = context.createGain();
        osc.frequency.value = frequency;
        gain.gain.value = 0.15;
        osc.connect(gain).connect(context.destination);
        osc.start(context.currentTime + i * 0.25);
        osc.stop(context.currentTime + i * 0.25 + 0.2);
      });
    } catch {
      // No sound device: the banner, title and notification still say it.
    }
  }

  function announce(item) {
    const urgent = item.priority === 'urgent';
    // Away: nothing. Busy: only urgent residents. Available: everyone.
    if (state.availability === 'away' || (state.availability === 'busy' && !urgent)) return;
    beep(urgent);
    const title = (urgent ? 'Urgent: ' : 'Waiting: ') + item.topicLabel;
    if ('Notification' in window && Notification.permission === 'granted') {
      const note = new Notification(title, {
        body: (CHANNEL[item.channel] || item.channel) + ' resident waiting',
        tag: item.id,
        requireInteraction: urgent,
      });
      note.onclick = () => {
        window.focus();
        openConversation(item.id, true);
      };
    }
  }

  function updateTitle() {
    const urgent = state.waiting.filter((w) => w.priority === 'urgent').length;
    const count = state.waiting.length;
    document.title = count ? '(' + count + (urgent ? ', ' + urgent + ' urgent' : '') + ') ' + TITLE : TITLE;
  }

  function renderUrgentBanner() {
    const banner = $('urgent');
    const urgent = state.waiting.filter((w) => w.priority === 'urgent');
    banner.hidden = urgent.length === 0;
    const existing = new Map([...banner.children].map((node) => [node.dataset.id, node]));
    for (const item of urgent) {
      let row = existing.get(item.id);
      existing.delete(item.id);
      if (!row) {
        row = el('p', undefined, 'urgent-row');
        row.dataset.id = item.id;
        const since = el('span');
        since.dataset.since = String(item.queuedAt);
        since.dataset.priority = 'urgent';
        row.append(
          el('strong', 'Urgent: ' + item.topicLabel),
          document.createTextNode(' · ' + (CHANNEL[item.channel] || item.channel) + ' · waiting '),
          since,
          el('span', '', 'wait-level'),
          document.createTextNode(' '),
        );
        row.append(button('Open urgent conversation', () => openConversation(item.id, true), 'primary'));
        banner.append(row);
      }
    }
    for (const node of existing.values()) node.remove();
  }

  $('alerts').addEventListener('click', async () => {
    await Notification.requestPermission();
    $('alerts').hidden = Notification.permission !== 'default';
  });

  // ---- queue --------------------------------------------------------------------------------
  function card(list, item, kind) {
    let li = list.querySelector('li[data-id="' + CSS.escape(item.id) + '"]');
    if (!li) {
      li = el('li', undefined, 'card');
      li.dataset.id = item.id;
      const open = button('', () => openConversation(item.id, true), 'card-open');
      li.append(open, el('p', undefined, 'card-meta'));
      list.append(li);
    }
    li.classList.toggle('is-urgent', item.priority === 'urgent');
    const open = li.querySelector('.card-open');
    // What a screen reader hears beyond the visible words goes in hidden text, not aria-label,
    // so a voice-control user can say what they see.
    open.replaceChildren(
      el(
        'span',
        item.priority === 'urgent' ? 'Urgent' : CHANNEL[item.channel] || item.channel,
        item.priority === 'urgent' ? 'badge urgent' : 'badge',
      ),
      el('span', ' ' + item.topicLabel, 'card-topic'),
      el(
        'span',
        (item.priority === 'urgent' ? ', ' + (CHANNEL[item.channel] || item.channel) : '') +
          (kind === 'queue' ? ', number ' + item.position + ' in the queue' : ''),
        'visually-hidden',
      ),
    );
    const meta = li.querySelector('.card-meta');
    meta.replaceChildren();
    if (kind === 'queue') {
      const since = el('span');
      since.dataset.since = String(item.queuedAt);
      since.dataset.priority = item.priority;
      meta.append(
        el('span', (CHANNEL[item.channel] || item.channel) + ' · waiting '),
        since,
        el('span', '', 'wait-level'),
      );
      if (item.acceptDueAt) {
        const due = el('span');
        due.dataset.due = String(item.acceptDueAt);
        meta.append(document.createTextNode(' · '), due);
      } else if (item.callbackOffered) meta.append(document.createTextNode(' · callback offered'));
    } else {
      meta.append(
        el(
          'span',
          (CHANNEL[item.channel] || item.channel) +
            ' · with you since ' +
            (item.assignedAt ? timeOfDay(item.assignedAt) : ''),
        ),
      );
    }
    return li;
  }

  function reconcile(list, items, kind) {
    const keep = new Set(items.map((i) => i.id));
    for (const li of [...list.children]) if (!keep.has(li.dataset.id)) li.remove();
    items.forEach((item, index) => {
      const li = card(list, item, kind);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
  }

  async function refreshQueue() {
    let queue;
    try {
      queue = await api('GET', '/queue');
    } catch (error) {
      return say(error.message);
    }
    state.outcomes = queue.outcomes;
    state.waiting = queue.waiting;
    state.mine = queue.mine;
    state.availability = queue.availability;
    $('availability').value = queue.availability;
    if (state.seen) for (const item of queue.waiting) if (!state.seen.has(item.id)) announce(item);
    state.seen = new Set(queue.waiting.map((w) => w.id));
    reconcile($('queue'), queue.waiting, 'queue');
    reconcile($('mine'), queue.mine, 'mine');
    $('queue-count').textContent = String(queue.waiting.length);
    $('queue-empty').hidden = queue.waiting.length > 0;
    $('mine-empty').hidden = queue.mine.length > 0;
    $('estimate').textContent =
      queue.availableAgents === 1 ? '1 agent available.' : queue.availableAgents + ' agents available.';
    // null when the system holding callbacks is not answering: the live queue still shows.
    $('callbacks-count').textContent = queue.callbacksOpen === null ? '?' : String(queue.callbacksOpen);
    renderUrgentBanner();
    updateTitle();
    tick();
  }

  $('availability').addEventListener('change', async (event) => {
    try {
      const result = await api('POST', '/availability', { availability: event.target.value });
      state.availability = result.availability;
      say('You are now ' + result.availability + '.');
    } catch (error) {
      say(error.message);
    }
  });

  // ---- conversations ------------------------------------------------------------------------
  let panelCount = 0;
  function createPanel(id) {
    const panel = $('conversation-template').content.firstElementChild.cloneNode(true);
    const n = ++panelCount;
    // Unique ids per panel, so every label points at its own control.
    const pairs = [
      ['reply-label', 'reply'],
      ['saved-label', 'saved'],
      ['note-label', 'note'],
      ['transfer-label', 'transfer-to'],
      ['outcome-label', 'outcome'],
    ];
    for (const [label, control] of pairs) {
      const controlNode = panel.querySelector('.' + control);
      controlNode.id = control + '-' + n;
      panel.querySelector('.' + label).htmlFor = controlNode.id;
    }
    const heading = panel.querySelector('.conversation-heading');
    heading.id = 'conversation-heading-' + n;
    panel.id = 'panel-' + n;
    panel.setAttribute('aria-labelledby', heading.id);
    panel.querySelector('.transcript').setAttribute('aria-label', 'Conversation so far');

    const tab = el('button', '', 'tab');
    tab.type = 'button';
    tab.id = 'tab-' + n;
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', panel.id);
    tab.addEventListener('click', () => activate(id, true));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      const ids = [...state.open.keys()];
      const next = ids[(ids.indexOf(id) + (event.key === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length];
      activate(next, false);
      state.open.get(next).tab.focus();
    });

    const entry = { panel, tab, view: null, keys: new Set() };
    wirePanel(id, entry);
    $('tabs').append(tab);
    $('panels').append(panel);
    return entry;
  }

  function wirePanel(id, entry) {
    const { panel } = entry;
    const q = (selector) => panel.querySelector(selector);
    const reply = q('.reply');
    const saved = q('.saved');
    for (const item of state.replies) saved.append(new Option(item.title, item.id));

    const send = async () => {
      if (!reply.value.trim()) return say('Write a reply first.');
      try {
        await api('POST', '/handoffs/' + encodeURIComponent(id) + '/messages', { text: reply.value });
        reply.value = '';
        updateCounter(entry);
        say('Sent.');
      } catch (error) {
        say(error.message);
      }
      await loadConversation(id);
    };
    q('.reply-form').addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    reply.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        send();
      }
    });
    reply.addEventListener('input', () => updateCounter(entry));
    saved.addEventListener('change', () => {
      const item = state.replies.find((r) => r.id === saved.value);
      if (item) {
        reply.value = reply.value ? reply.value.trimEnd() + ' ' + item.text : item.text;
        updateCounter(entry);
        reply.focus();
      }
      saved.value = '';
    });

    q('.accept').addEventListener('click', async () => {
      try {
        await api('POST', '/handoffs/' + encodeURIComponent(id) + '/accept');
        say('You have this conversation.');
        await loadConversation(id);
        await refreshQueue();
        reply.focus();
      } catch (error) {
        say(error.message);
        await refreshQueue();
      }
    });
    q('.close-tab').addEventListener('click', () => closeTab(id));

    q('.note-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const note = q('.note');
      if (!note.value.trim()) return say('Write the note first.');
      try {
        await api('POST', '/handoffs/' + encodeURIComponent(id) + '/notes', { text: note.value });
        note.value = '';
        say('Note added.');
      } catch (error) {
        say(error.message);
      }
      await loadConversation(id);
    });

    const transferForm = q('.transfer-form');
    transferForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const select = q('.transfer-to');
      const error = transferForm.querySelector('.field-error');
      error.textContent = '';
      select.removeAttribute('aria-invalid');
      if (!select.value) {
        error.textContent = 'Choose who to transfer to: the queue or a named agent.';
        select.setAttribute('aria-invalid', 'true');
        return select.focus();
      }
      const body = select.value === 'queue' ? { queue: true } : { agentId: select.value };
      try {
        await api('POST', '/handoffs/' + encodeURIComponent(id) + '/transfer', body);
        say(
          select.value === 'queue'
            ? 'Back in the queue for the next agent.'
            : 'Transferred to ' + select.selectedOptions[0].textContent + '.',
        );
        closeTab(id);
        await refreshQueue();
      } catch (failure) {
        error.textContent = failure.message;
      }
    });

    const endForm = q('.end-form');
    const confirm = endForm.querySelector('.confirm');
    endForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const outcome = q('.outcome');
      const error = endForm.querySelector('.field-error');
      error.textContent = '';
      outcome.removeAttribute('aria-invalid');
      if (!outcome.value) {
        error.textContent = 'Choose an outcome before ending the chat.';
        outcome.setAttribute('aria-invalid', 'true');
        return outcome.focus();
      }
      confirm.querySelector('.confirm-text').textContent =
        'End the chat as “' +
        outcome.selectedOptions[0].textContent +
        '”? The resident goes back to the assistant and is asked for a rating.';
      confirm.hidden = false;
      confirm.querySelector('.confirm-end').focus();
    });
    confirm.querySelector('.cancel-end').addEventListener('click', () => {
      confirm.hidden = true;
      q('.outcome').focus();
    });
    confirm.querySelector('.confirm-end').addEventListener('click', async () => {
      try {
        await api('POST', '/handoffs/' + encodeURIComponent(id) + '/end', { outcome: q('.outcome').value });
        say('Chat ended. The resident is back with the assistant.');
        closeTab(id);
        await refreshQueue();
      } catch (error) {
        endForm.querySelector('.field-error').textContent = error.message;
      }
    });
  }

  // SMS: GSM-7 fits 160 characters in one text (153 each when split); anything else 70 (67).
  const GSM = /^[\n\r !"#$%&'()*+,\-./0-9:;<=>?@A-Z_a-z£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉÄÖÑÜ§¿äöñüà^{}\\[\]~|€]*$/;
  function segments(text) {
    const gsm = GSM.test(text);
    const extended = gsm ? (text.match(/[\^{}\\[\]~|€]/g) || []).length : 0;
    const length = gsm ? text.length + extended : [...text].length;
    const [single, multi] = gsm ? [160, 153] : [70, 67];
    return { length, count: length === 0 ? 0 : length <= single ? 1 : Math.ceil(length / multi), gsm };
  }
  function updateCounter(entry) {
    const counter = entry.panel.querySelector('.counter');
    const text = entry.panel.querySelector('.reply').value;
    if (!entry.view || entry.view.channel !== 'sms') {
      counter.textContent = text.length + ' / 2000 characters';
      return;
    }
    // The agent's name goes in front of every text ("Priya: …").
    const s = segments(state.agent.displayName + ': ' + text);
    counter.textContent =
      s.length +
      ' characters · ' +
      s.count +
      (s.count === 1 ? ' text' : ' texts') +
      (s.gsm ? '' : ' (special characters: 70 per text)');
    counter.classList.toggle('over', s.count > 3);
  }

  async function openConversation(id, focus) {
    $('callbacks').hidden = true;
    if (!state.open.has(id)) state.open.set(id, createPanel(id));
    activate(id, false);
    await loadConversation(id);
    if (focus) state.open.get(id)?.panel.querySelector('.conversation-heading').focus();
  }

  function activate(id, focusHeading) {
    state.active = id;
    for (const [key, entry] of state.open) {
      const selected = key === id;
      entry.panel.hidden = !selected;
      entry.tab.setAttribute('aria-selected', String(selected));
      entry.tab.tabIndex = selected ? 0 : -1;
    }
    $('nothing-open').hidden = state.open.size > 0;
    if (focusHeading) state.open.get(id)?.panel.querySelector('.conversation-heading').focus();
  }

  function closeTab(id) {
    const entry = state.open.get(id);
    if (!entry) return;
    entry.panel.remove();
    entry.tab.remove();
    state.open.delete(id);
    const next = [...state.open.keys()].pop();
    if (next) activate(next, false);
    else {
      state.active = null;
      $('nothing-open').hidden = false;
    }
  }

  async function loadConversation(id) {
    const entry = state.open.get(id);
    if (!entry) return;
    let view;
    try {
      view = await api('GET', '/handoffs/' + encodeURIComponent(id));
    } catch (error) {
      say(error.message);
      if (error.status === 403 || error.status === 404) closeTab(id);
      return;
    }
    if (!state.open.has(id)) return;
    entry.view = view;
    renderConversation(entry, view);
  }

  function renderConversation(entry, view) {
    const { panel, tab } = entry;
    const q = (selector) => panel.querySelector(selector);
    const channel = CHANNEL[view.channel] || view.channel;
    const title = (view.priority === 'urgent' ? 'Urgent: ' : '') + view.topicLabel;
    q('.conversation-heading').textContent = title + ' · ' + channel;
    tab.textContent = (view.priority === 'urgent' ? '⚠ ' : '') + view.topicLabel + ' (' + channel + ')';
    tab.classList.toggle('is-urgent', view.priority === 'urgent');

    const timers = q('.timers');
    timers.replaceChildren();
    if (view.status === 'queued') {
      const since = el('span');
      since.dataset.since = String(view.queuedAt);
      since.dataset.priority = view.priority;
      timers.append(
        document.createTextNode('Waiting '),
        since,
        el('span', '', 'wait-level'),
        document.createTextNode(' · number ' + view.position + ' in the queue'),
      );
      if (view.acceptDueAt) {
        const due = el('span');
        due.dataset.due = String(view.acceptDueAt);
        timers.append(document.createTextNode(' · '), due);
      }
    } else if (view.status === 'assigned') {
      timers.append(
        document.createTextNode(
          'With ' +
            (view.agentId === state.agent.id ? 'you' : 'another agent') +
            ' since ' +
            (view.assignedAt ? timeOfDay(view.assignedAt) : '') +
            ' · waited ' +
            clock(view.waitingSeconds),
        ),
      );
    } else {
      timers.append(
        document.createTextNode('This conversation has ended' + (view.outcome ? ': ' + view.outcome : '') + '.'),
      );
    }

    const facts = q('.facts');
    facts.replaceChildren();
    for (const fact of view.facts) {
      const dd = el('dd', fact.value, fact.warn ? 'warn' : '');
      if (fact.term === 'Phone') {
        dd.textContent = '';
        const link = el('a', fact.value);
        link.href = 'tel:' + fact.value.replace(/[^+\d]/g, '');
        dd.append(link);
      }
      facts.append(el('dt', fact.term), dd);
    }

    // Only lines not shown before are appended: the log announces just those.
    const scroller = q('.transcript');
    const list = q('.transcript .lines');
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    for (const item of view.timeline) {
      if (entry.keys.has(item.key)) continue;
      entry.keys.add(item.key);
      const li = el('li', undefined, 'line ' + item.from + (item.failed ? ' failed' : ''));
      const head = el('p', undefined, 'line-head');
      head.append(el('span', item.failed ? item.who + ' (not delivered)' : item.who, 'who'));
      if (item.at) {
        const time = el('time', timeOfDay(item.at));
        time.dateTime = new Date(item.at).toISOString();
        head.append(document.createTextNode(' '), time);
      }
      const body = el('div', undefined, 'line-body');
      body.append(window.renderMarkdown(item.text));
      li.append(head, body);
      list.append(li);
    }
    if (nearBottom) scroller.scrollTop = scroller.scrollHeight;

    const mine = view.status === 'assigned' && view.agentId === state.agent.id;
    q('.accept').hidden = view.status !== 'queued';
    q('.reply-form').hidden = !mine;
    q('.more').hidden = !mine;

    const outcome = q('.outcome');
    if (outcome.options.length === 0) {
      outcome.append(new Option('Choose an outcome…', ''));
      for (const value of state.outcomes) outcome.append(new Option(value.label, value.value));
    }
    const transfer = q('.transfer-to');
    if (transfer.options.length === 0) {
      transfer.append(new Option('Choose…', ''));
      const queue = el('optgroup');
      queue.label = 'Team';
      queue.append(new Option('Contact centre queue (next available agent)', 'queue'));
      const named = el('optgroup');
      named.label = 'Named agent';
      for (const agent of state.agents.filter((a) => a.id !== state.agent.id))
        named.append(new Option(agent.displayName, agent.id));
      transfer.append(queue, named);
    }
    updateCounter(entry);
    tick();
  }

  // ---- callbacks ----------------------------------------------------------------------------
  let callbackOutcomes = [];
  async function refreshCallbacks() {
    let data;
    try {
      data = await api('GET', '/callbacks');
    } catch (error) {
      return say(error.message);
    }
    callbackOutcomes = data.outcomes;
    $('callbacks-count').textContent = String(data.callbacks.length);
    const list = $('callback-list');
    list.replaceChildren();
    for (const item of data.callbacks) list.append(callbackItem(item));
    $('callbacks-empty').hidden = data.callbacks.length > 0;
  }

  function callbackItem(item) {
    const li = el('li', undefined, 'callback' + (item.priority === 'urgent' ? ' is-urgent' : ''));
    li.dataset.reference = item.reference;
    const heading = el('h3', (item.priority === 'urgent' ? 'Urgent: ' : '') + item.topicLabel + ' · ' + item.reference);
    const dl = el('dl', undefined, 'facts');
    const add = (term, value) => {
      if (value) dl.append(el('dt', term), value instanceof Node ? value : el('dd', value));
    };
    add('Reason', item.reason);
    add('In their words', item.about);
    add(
      'Preferred time',
      item.preferredTime
        ? item.preferredTime + (item.preferredTimeHonoured === false ? ' (outside our hours: agree another time)' : '')
        : 'Any time in opening hours',
    );
    if (item.contact) {
      const dd = el('dd');
      const digits = item.contact.replace(/[^+\d]/g, '');
      if (digits.length >= 10) {
        const link = el('a', item.contact);
        link.href = 'tel:' + digits;
        dd.append(link);
      } else dd.textContent = item.contact;
      add('Contact', dd);
    } else add('Contact', 'None given');
    add('Address', item.address);
    add('Identity', item.verified ? 'Verified (passed the account check)' : 'Not verified');
    add(
      'Asked by',
      (CHANNEL[item.channel] || item.channel) +
        ' at ' +
        new Date(item.createdAt).toLocaleString('en-GB', {
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
        }),
    );
    add('Claimed by', item.claimedByMe ? 'You' : item.claimedBy || 'Nobody yet');
    li.append(heading, dl);

    const actions = el('div', undefined, 'callback-actions');
    if (!item.claimedBy) {
      actions.append(
        button(
          'Claim ' + item.reference,
          async () => {
            try {
              await api('POST', '/callbacks/' + encodeURIComponent(item.reference) + '/claim');
              say('You have claimed ' + item.reference + '. Phone the resident, then record how it went.');
            } catch (error) {
              say(error.message);
            }
            await refreshCallbacks();
            $('callback-list')
              .querySelector('li[data-reference="' + item.reference + '"] select')
              ?.focus();
          },
          'primary',
        ),
      );
    } else if (item.claimedByMe) {
      const form = el('form', undefined, 'callback-close');
      form.noValidate = true;
      const select = el('select');
      select.id = 'callback-outcome-' + item.reference;
      const label = el('label', 'How did the call go? (' + item.reference + ')');
      label.htmlFor = select.id;
      select.append(new Option('Choose an outcome…', ''));
      for (const outcome of callbackOutcomes) select.append(new Option(outcome.label, outcome.value));
      const submit = el('button', 'Close ' + item.reference, 'primary');
      submit.type = 'submit';
      const error = el('p', '', 'field-error');
      error.setAttribute('role', 'alert');
      form.append(label, select, submit, error);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!select.value) {
          error.textContent = 'Choose what happened on the call first.';
          select.setAttribute('aria-invalid', 'true');
          return select.focus();
        }
        try {
          await api('POST', '/callbacks/' + encodeURIComponent(item.reference) + '/close', { outcome: select.value });
          say(item.reference + ' closed: ' + select.selectedOptions[0].textContent + '.');
          await refreshCallbacks();
          $('callbacks-heading').focus();
        } catch (failure) {
          error.textContent = failure.message;
        }
      });
      actions.append(form);
    }
    li.append(actions);
    return li;
  }

  $('show-callbacks').addEventListener('click', async () => {
    for (const entry of state.open.values()) entry.panel.hidden = true;
    $('nothing-open').hidden = true;
    $('callbacks').hidden = false;
    await refreshCallbacks();
    $('callbacks-heading').focus();
  });
  $('hide-callbacks').addEventListener('click', () => {
    $('callbacks').hidden = true;
    if (state.active) activate(state.active, true);
    else $('nothing-open').hidden = false;
  });

  // ---- sign in / out ------------------------------------------------------------------------
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      // Made inside the click, so the browser lets it play alerts later.
      state.audio = state.audio || (window.AudioContext ? new AudioContext() : null);
      const session = await api('POST', '/login', { username: $('username').value, password: $('password').value });
      $('password').value = '';
      await signedIn(session);
    } catch (error) {
      $('login-error').textContent = error.message;
    }
  });

  $('sign-out').addEventListener('click', async () => {
    await api('POST', '/logout').catch(() => undefined);
    for (const id of [...state.open.keys()]) closeTab(id);
    state.seen = null;
    showLogin();
  });

  api('GET', '/session').then(signedIn, showLogin);
})();
