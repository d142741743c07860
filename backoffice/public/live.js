// The back office's live updates (same-origin file: the CSP allows no inline script).
// Polls /admin/notifications/poll: updates the bell's count on every page, refreshes the inbox's
// list in place when cases changed (new or overdue cases appear without reloading), and for a new
// urgent notification plays a short sound and shows a desktop notification when the person
// turned these on (on the notifications page).
(function () {
  'use strict';
  var seen = null;
  var inbox = document.getElementById('inbox-live');
  var version = inbox ? inbox.getAttribute('data-cases-version') : null;
  var delay = 15000;

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.3);
    } catch (e) { /* no sound on this browser */ }
  }

  function announce(item) {
    if (localStorage.getItem('htx-sound') === 'on') beep();
    if (window.Notification && Notification.permission === 'granted') {
      var n = new Notification(item.text);
      n.onclick = function () { window.location.href = item.href; };
    }
  }

  function setBell(count) {
    var el = document.getElementById('bell-count');
    if (!el) return;
    el.textContent = String(count);
    el.classList.toggle('zero', count === 0);
  }

  function refreshInbox() {
    return fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        // The list, the total and the counts per status: every part marked data-live, by id.
        Array.prototype.forEach.call(document.querySelectorAll('[data-live][id]'), function (part) {
          var fresh = doc.getElementById(part.id);
          if (fresh) part.innerHTML = fresh.innerHTML;
        });
        var list = doc.getElementById('inbox-live');
        if (list) version = list.getAttribute('data-cases-version');
      });
  }

  function poll() {
    fetch('/admin/notifications/poll', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        setBell(data.unread);
        var ids = data.latest.map(function (n) { return n.id; });
        if (seen) data.latest.filter(function (n) { return n.urgent && seen.indexOf(n.id) < 0; }).forEach(announce);
        seen = (seen || []).concat(ids);
        if (data.pollSeconds) delay = data.pollSeconds * 1000;
        if (inbox && data.casesVersion && data.casesVersion !== version) return refreshInbox();
      })
      .catch(function () { /* offline for a moment: try again later */ })
      .then(function () { setTimeout(poll, Number(document.body.getAttribute('data-poll-ms')) || delay); });
  }

  var sound = document.getElementById('live-sound');
  if (sound) {
    sound.checked = localStorage.getItem('htx-sound') === 'on';
    sound.addEventListener('change', function () { localStorage.setItem('htx-sound', sound.checked ? 'on' : 'off'); });
  }
  var desktop = document.getElementById('live-desktop');
  if (desktop && window.Notification) desktop.addEventListener('click', function () { Notification.requestPermission(); });

  if (document.getElementById('bell')) poll();
})();
