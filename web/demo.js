// The demo page's Web Chat: get a token from the page's own backend (/demo/token, standing in
// for a council website's server that holds the Direct Line secret), then render the official
// Bot Framework Web Chat. The conversation is remembered for this browser tab, so reloading
// the page carries on the same conversation instead of starting again.
(function () {
  'use strict';
  var STORAGE_KEY = 'demoford-assistant-conversation';
  var container = document.getElementById('assistant');
  var status = document.getElementById('assistant-status');

  function showError() {
    status.className = 'assistant-error';
    status.textContent = 'Sorry, the online assistant is not available right now. Please phone 01632 960000, Monday to Friday, 9am to 5pm.';
  }

  function remembered() {
    try { return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null'); } catch (e) { return null; }
  }

  function remember(session) {
    try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session)); } catch (e) { /* private mode: start afresh next time */ }
  }

  function newSession() {
    return fetch('/demo/token', { method: 'POST' }).then(function (response) {
      if (!response.ok) throw new Error('token ' + response.status);
      return response.json();
    }).then(function (body) {
      var session = { token: body.token, conversationId: body.conversationId, expiresAt: Date.now() + body.expires_in * 1000 };
      remember(session);
      return session;
    });
  }

  function resumeOrStart() {
    var session = remembered();
    if (!session || !session.token || session.expiresAt < Date.now() + 60000) return newSession();
    return fetch('/v3/directline/tokens/refresh', { method: 'POST', headers: { Authorization: 'Bearer ' + session.token } })
      .then(function (response) {
        if (!response.ok) throw new Error('refresh ' + response.status);
        return response.json();
      })
      .then(function (body) {
        var refreshed = { token: body.token, conversationId: session.conversationId, expiresAt: Date.now() + body.expires_in * 1000, resumed: true };
        remember(refreshed);
        return refreshed;
      })
      .catch(newSession);
  }

  resumeOrStart().then(function (session) {
    var directLine = window.WebChat.createDirectLine({
      domain: window.location.origin + '/v3/directline',
      token: session.token,
      conversationId: session.resumed ? session.conversationId : undefined,
      webSocket: true
    });
    status.remove();
    window.WebChat.renderWebChat({
      directLine: directLine,
      locale: 'en-GB',
      styleOptions: {
        accent: '#00623b',
        botAvatarInitials: 'DBC',
        bubbleBackground: '#f3f2f1',
        bubbleFromUserBackground: '#e1f0e8',
        primaryFont: 'Arial, Helvetica, sans-serif',
        suggestedActionLayout: 'flow',
        hideUploadButton: true,
        sendBoxTextWrap: true
      }
    }, container);
    container.addEventListener('focus', function () {
      var input = container.querySelector('input, textarea');
      if (input) input.focus();
    });
  }).catch(showError);
})();
