// The agent console: plain JavaScript, no framework. Every value from the server is written with
// textContent (never as HTML). The session cookie is HttpOnly; the CSRF token lives only in memory.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { csrf: '', agent: null, selected: null, socket: null, outcomes: [], agents: [] };

  async function api(method, path, body) {
    const response = await fetch('/agent/api' + path, {
      method,
      credentials: 'same-origin',
      headers: method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf },
      body: method === 'GET' ? undefined : JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== '/login') showLogin();
    if (!response.ok) throw Object.assign(new Error(data.error || 'Request failed'), { status: response.status });
    return data;
  }

  function say(text) { $('status').textContent = text; }
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function minutes(seconds) {
    if (seconds < 60) return seconds + ' s';
    return Math.floor(seconds / 60) + ' min';
  }
  const CHANNEL = { web: 'Web Chat', sms: 'SMS' };

  function showLogin() {
    state.agent = null;
    $('login').hidden = false;
    $('console').hidden = true;
    $('sign-out').hidden = true;
    $('whoami').hidden = true;
    if (state.socket) state.socket.close();
  }

  async function signedIn(session) {
    state.csrf = session.csrfToken;
    state.agent = session.agent;
    $('login').hidden = true;
    $('console').hidden = false;
    $('sign-out').hidden = false;
    $('whoami').hidden = false;
    $('whoami').textContent = 'Signed in as ' + session.agent.displayName;
    state.agents = (await api('GET', '/agents')).agents;
    connect();
    await refreshQueue();
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(scheme + '//' + location.host + '/agent/api/socket');
    state.socket = socket;
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === 'queue') refreshQueue();
      if ((data.type === 'message' || data.type === 'request') && state.selected === data.requestId) openConversation(data.requestId, false);
      if (data.type === 'request') refreshQueue();
    };
    socket.onclose = (event) => {
      // 4401: the session ended (signed out elsewhere, account disabled, expired): sign in again.
      if (event.code === 4401 && state.socket === socket) return showLogin();
      if (state.agent && state.socket === socket) setTimeout(connect, 2000);
    };
  }

  async function refreshQueue() {
    const queue = await api('GET', '/queue');
    state.outcomes = queue.outcomes;
    const body = $('queue').querySelector('tbody');
    body.replaceChildren();
    for (const item of queue.waiting) {
      const row = el('tr');
      row.dataset.id = item.id;
      row.append(
        el('td', item.priority === 'urgent' ? 'Urgent' : 'Normal', item.priority === 'urgent' ? 'urgent' : ''),
        el('td', CHANNEL[item.channel] || item.channel),
        el('td', item.topicLabel || item.topic),
        el('td', minutes(item.waitingSeconds)),
        el('td', String(item.position)),
      );
      const actions = el('td');
      const view = el('button', 'View');
      view.type = 'button';
      view.setAttribute('aria-label', 'View conversation about ' + (item.topicLabel || item.topic));
      view.onclick = () => openConversation(item.id, true);
      actions.append(view);
      row.append(actions);
      body.append(row);
    }
    $('queue-empty').hidden = queue.waiting.length > 0;
    const mine = $('mine');
    mine.replaceChildren();
    for (const item of queue.mine) {
      const li = el('li');
      const open = el('button', (CHANNEL[item.channel] || item.channel) + ': ' + (item.topicLabel || item.topic));
      open.type = 'button';
      open.onclick = () => openConversation(item.id, true);
      li.append(open);
      mine.append(li);
    }
    if (queue.mine.length === 0) mine.append(el('li', 'None.'));
  }

  function describeCollected(collected) {
    const out = [];
    if (collected.intent) out.push(['Detected intent', collected.intent]);
    if (collected.address) out.push(['Address', collected.address]);
    if (collected.postcode) out.push(['Postcode', collected.postcode]);
    if (collected.propertyId) out.push(['Property', collected.propertyId]);
    if (collected.registration) out.push(['Registration', collected.registration]);
    if (collected.references && collected.references.length) out.push(['References', collected.references.join(', ')]);
    out.push(['Verification', collected.verified ? 'Verified account ' + collected.verified.accountNumber : collected.verificationFailed ? 'Failed the account check' : 'Not verified']);
    if (collected.contact) out.push(['Contact', collected.contact]);
    if (collected.safeToContact === false) out.push(['Safe to call or text', 'No: do not call or text this resident']);
    if (collected.safeToContact === true) out.push(['Safe to call or text', 'Yes, the resident said so']);
    return out;
  }

  async function openConversation(id, focus) {
    let view;
    try {
      view = await api('GET', '/handoffs/' + encodeURIComponent(id));
    } catch (error) {
      say(error.message);
      return;
    }
    // A live update for a conversation the agent has since closed or left.
    if (!focus && state.selected !== id) return;
    state.selected = id;
    $('conversation').hidden = false;
    $('conversation-heading').textContent = (CHANNEL[view.channel] || view.channel) + ': ' + (view.topicLabel || view.topic) + (view.priority === 'urgent' ? ' (urgent)' : '');
    const rows = [
      ['Who', view.who.description + (view.who.phone ? ', ' + view.who.phone : '')],
      ['Channel', CHANNEL[view.channel] || view.channel],
      ['Status', view.status],
      ['Reason', view.reason],
      ['Topic', view.topicLabel || view.topic],
      ['Waiting', minutes(view.waitingSeconds)],
      ...describeCollected(view.collected),
    ];
    const dl = $('context');
    dl.replaceChildren();
    for (const [term, value] of rows) dl.append(el('dt', term), el('dd', value));

    const list = $('transcript');
    list.replaceChildren();
    for (const line of view.transcript) {
      const li = el('li', undefined, line.from);
      li.append(el('span', line.from === 'resident' ? 'Resident:' : line.from === 'agent' ? 'Agent:' : 'Assistant:', 'from'), el('span', line.text));
      list.append(li);
    }
    for (const message of view.messages.filter((m) => m.kind === 'note' || m.delivery === 'failed')) {
      const li = el('li', undefined, 'note');
      li.append(el('span', message.kind === 'note' ? 'Note:' : 'Not delivered:', 'from'), el('span', message.text));
      list.append(li);
    }
    list.scrollTop = list.scrollHeight;

    const mine = view.status === 'assigned' && view.agentId === state.agent.id;
    $('accept').hidden = view.status !== 'queued';
    for (const form of ['reply-form', 'note-form', 'end-form', 'transfer-form']) $(form).hidden = !mine;
    const outcome = $('outcome');
    if (outcome.options.length === 0) for (const value of state.outcomes) outcome.append(new Option(value.replace(/_/g, ' '), value));
    const transfer = $('transfer-to');
    transfer.replaceChildren();
    for (const agent of state.agents.filter((a) => a.id !== state.agent.id)) transfer.append(new Option(agent.displayName, agent.id));
    if (focus) $('conversation-heading').setAttribute('tabindex', '-1'), $('conversation-heading').focus();
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const session = await api('POST', '/login', { username: $('username').value, password: $('password').value });
      $('password').value = '';
      await signedIn(session);
    } catch (error) {
      $('login-error').textContent = error.message;
    }
  });

  $('sign-out').addEventListener('click', async () => {
    await api('POST', '/logout').catch(() => undefined);
    showLogin();
  });

  $('accept').addEventListener('click', async () => {
    try {
      await api('POST', '/handoffs/' + encodeURIComponent(state.selected) + '/accept');
      say('You have this conversation.');
      await openConversation(state.selected, false);
      await refreshQueue();
      $('reply').focus();
    } catch (error) {
      say(error.message);
      await refreshQueue();
    }
  });

  $('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/handoffs/' + encodeURIComponent(state.selected) + '/messages', { text: $('reply').value });
      $('reply').value = '';
      say('Sent.');
    } catch (error) {
      say(error.message);
    }
    await openConversation(state.selected, false);
  });

  $('note-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/handoffs/' + encodeURIComponent(state.selected) + '/notes', { text: $('note').value });
      $('note').value = '';
      say('Note added.');
    } catch (error) {
      say(error.message);
    }
    await openConversation(state.selected, false);
  });

  $('end-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/handoffs/' + encodeURIComponent(state.selected) + '/end', { outcome: $('outcome').value });
      say('Chat ended. The resident is back with the assistant.');
      $('conversation').hidden = true;
      state.selected = null;
      await refreshQueue();
    } catch (error) {
      say(error.message);
    }
  });

  $('transfer-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/handoffs/' + encodeURIComponent(state.selected) + '/transfer', { agentId: $('transfer-to').value });
      say('Transferred.');
      $('conversation').hidden = true;
      state.selected = null;
      await refreshQueue();
    } catch (error) {
      say(error.message);
    }
  });

  api('GET', '/session').then(signedIn, showLogin);
})();
