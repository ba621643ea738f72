// The demo page's Web Chat: get a token from the page's own backend (/demo/token, standing in
// for a council website's server that holds the Direct Line secret), then render the official
// Bot Framework Web Chat. The conversation is remembered for this browser tab, so reloading
// the page carries on the same conversation instead of starting again.
// Beyond Web Chat's defaults: phone numbers become tel: links; a person from the contact
// centre is shown under their own name and initials (not the assistant's); and a lost
// connection shows a clear banner with the council's phone number.
(function () {
  'use strict';
  var STORAGE_KEY = 'demoford-assistant-conversation';
  var container = document.getElementById('assistant');
  var status = document.getElementById('assistant-status');
  var banner = document.getElementById('connection');
  var phone = container.getAttribute('data-council-phone') || '01632 960000';
  /** Agents' names seen in this conversation, to find their messages on the page. */
  var agents = {};

  function showError() {
    status.className = 'assistant-error';
    status.textContent =
      'Sorry, the online assistant is not available right now. Please phone ' +
      phone +
      ', Monday to Friday, 9am to 5pm.';
  }

  function remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    } catch (e) {
      return null;
    }
  }

  function remember(session) {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch (e) {
      /* private mode: start afresh next time */
    }
  }

  function newSession() {
    return fetch('/demo/token', { method: 'POST' })
      .then(function (response) {
        if (!response.ok) throw new Error('token ' + response.status);
        return response.json();
      })
      .then(function (body) {
        var session = {
          token: body.token,
          conversationId: body.conversationId,
          expiresAt: Date.now() + body.expires_in * 1000,
        };
        remember(session);
        return session;
      });
  }

  function resumeOrStart() {
    var session = remembered();
    if (!session || !session.token || session.expiresAt < Date.now() + 60000) return newSession();
    return fetch('/v3/directline/tokens/refresh', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + session.token },
    })
      .then(function (response) {
        if (!response.ok) throw new Error('refresh ' + response.status);
        return response.json();
      })
      .then(function (body) {
        var refreshed = {
          token: body.token,
          conversationId: session.conversationId,
          expiresAt: Date.now() + body.expires_in * 1000,
          resumed: true,
        };
        remember(refreshed);
        return refreshed;
      })
      .catch(newSession);
  }

  // UK phone numbers (01632 960000, 07700 900000, +44 …) and 116 123, not already in a link.
  var PHONE = /(\[[^\]]*\]\([^)]*\))|((?:\+44\s?|\b0)\d{2,4}(?:\s?\d{3,4}){2}\b|\b116 ?123\b)/g;
  function withPhoneLinks(markdown) {
    return String(markdown).replace(PHONE, function (all, link, number) {
      if (link) return link;
      return '[' + number + '](tel:' + number.replace(/[^+\d]/g, '') + ')';
    });
  }

  function initials(name) {
    return (
      name
        .split(/\s+/)
        .filter(Boolean)
        .slice(0, 2)
        .map(function (w) {
          return w[0].toUpperCase();
        })
        .join('') || 'CC'
    );
  }

  // Web Chat announces every message as "Bot DBC said"; a person's messages are relabelled with
  // their name and given their own initials, in the page as it is drawn.
  function markAgentMessages() {
    var names = Object.keys(agents);
    if (!names.length) return;
    var rows = container.querySelectorAll('.webchat__stacked-layout');
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (row.getAttribute('data-agent')) continue;
      var text = row.querySelector('.webchat__bubble__content');
      var content = text ? text.textContent : '';
      for (var n = 0; n < names.length; n++) {
        var prefix = names[n] + ' (contact centre)';
        if (content.indexOf(prefix) !== 0) continue;
        row.setAttribute('data-agent', names[n]);
        var avatar = row.querySelector('.webchat__initialsAvatar__initials');
        if (avatar) {
          avatar.textContent = initials(names[n]);
          avatar.parentNode.classList.add('agent-avatar');
        }
        var said = row.querySelector(
          '.webchat__stacked-layout__message-row > .webchat__visually-hidden, [id^="webchat__stacked-layout__id"]',
        );
        if (said && /said/.test(said.textContent)) said.textContent = names[n] + ' from the contact centre said:';
      }
    }
  }

  var wasOnline = false;
  var bannerTimer = null;
  function showBanner(show) {
    clearTimeout(bannerTimer);
    if (!show) {
      banner.hidden = true;
      return;
    }
    // A blink of reconnecting is not worth alarming anyone: only a loss that lasts.
    bannerTimer = setTimeout(function () {
      banner.hidden = false;
    }, 1500);
  }

  window.addEventListener('offline', function () {
    showBanner(true);
  });
  window.addEventListener('online', function () {
    if (connected) showBanner(false);
  });
  var connected = false;

  var store = window.WebChat.createStore({}, function () {
    return function (next) {
      return function (action) {
        if (action.type === 'DIRECT_LINE/CONNECTION_STATUS_UPDATE') {
          var state = action.payload && action.payload.connectionStatus;
          connected = state === 2;
          if (state === 2) {
            wasOnline = true;
            showBanner(false);
          } else if (state === 3 || state === 4 || state === 5 || (state === 1 && wasOnline)) {
            showBanner(true);
          }
        }
        if (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED') showBanner(true);
        if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
          var activity = action.payload && action.payload.activity;
          var data = activity && activity.channelData;
          if (
            data &&
            data.handoffAgent &&
            typeof data.handoffAgentName === 'string' &&
            typeof data.handoffText === 'string'
          ) {
            var name = data.handoffAgentName;
            agents[name] = true;
            activity = Object.assign({}, activity, {
              from: Object.assign({}, activity.from, { name: name }),
              text: '**' + name.replace(/[*_[\]\\]/g, '') + ' (contact centre)**\n\n' + data.handoffText,
            });
            action = Object.assign({}, action, { payload: Object.assign({}, action.payload, { activity: activity }) });
          }
        }
        return next(action);
      };
    };
  });

  resumeOrStart()
    .then(function (session) {
      var directLine = window.WebChat.createDirectLine({
        domain: window.location.origin + '/v3/directline',
        token: session.token,
        conversationId: session.resumed ? session.conversationId : undefined,
        webSocket: true,
      });
      status.remove();
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          store: store,
          locale: 'en-GB',
          renderMarkdown: function (markdown, style, options) {
            return window.WebChat.renderMarkdown(withPhoneLinks(markdown), style, options);
          },
          styleOptions: {
            accent: '#00623b',
            botAvatarInitials: 'DBC',
            bubbleBackground: '#f3f2f1',
            bubbleFromUserBackground: '#e1f0e8',
            primaryFont: 'Arial, Helvetica, sans-serif',
            suggestedActionLayout: 'flow',
            suggestedActionHeight: 'auto',
            showAvatarInGroup: true,
            hideUploadButton: true,
            sendBoxTextWrap: true,
          },
        },
        container,
      );
      new MutationObserver(markAgentMessages).observe(container, { childList: true, subtree: true });
      container.addEventListener('focus', function () {
        var input = container.querySelector('input, textarea');
        if (input) input.focus();
      });
    })
    .catch(showError);
})();
