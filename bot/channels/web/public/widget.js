/*
 * Hộp Thư Xanh — embeddable web-chat widget.
 *
 * A partner site adds one line where its page ends:
 *
 *   <script src="https://YOUR-HOST/chat/widget.js" async></script>
 *
 * (optionally with data-lang="en"). It shows a floating "Trò chuyện với Hộp Thư Xanh" button
 * that opens the chat, served from the same origin as this script, in a panel. The chat's
 * quick exit leaves the partner page too. Served by the chat router, which fills in the labels.
 */
(function () {
  'use strict';
  var STRINGS = __HTX_STRINGS__;
  var script = document.currentScript;
  if (!script || window.__htxWidget) return;
  window.__htxWidget = true;

  var chatUrl = new URL('.', script.src).href.replace(/\/$/, '');
  var chatOrigin = new URL(chatUrl).origin;
  var lang = script.getAttribute('data-lang') === 'en' ? 'en' : 'vi';
  var t = STRINGS[lang];
  var frame = null;

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = '💬 ' + t.open;
  button.setAttribute('aria-expanded', 'false');
  Object.assign(button.style, {
    position: 'fixed', right: '16px', bottom: '16px', zIndex: '2147483646',
    minHeight: '48px', padding: '10px 18px', border: '2px solid #fff', borderRadius: '24px',
    background: '#0b6e4f', color: '#fff', font: '600 16px/1.3 system-ui, sans-serif',
    boxShadow: '0 2px 8px rgba(0,0,0,.35)', cursor: 'pointer', maxWidth: 'calc(100vw - 32px)',
  });

  var panel = document.createElement('div');
  Object.assign(panel.style, {
    position: 'fixed', right: '0', bottom: '0', zIndex: '2147483647', display: 'none',
    width: '100%', maxWidth: '420px', height: '100%', maxHeight: '720px',
    background: '#fff', boxShadow: '0 0 16px rgba(0,0,0,.4)',
  });
  var bar = document.createElement('div');
  Object.assign(bar.style, { boxSizing: 'border-box', height: '48px', padding: '4px 8px', textAlign: 'right', background: '#084c37' });
  var close = document.createElement('button');
  close.type = 'button';
  close.textContent = '▾ ' + t.close;
  Object.assign(close.style, {
    minHeight: '40px', padding: '6px 14px', border: '2px solid #fff', borderRadius: '8px',
    background: 'transparent', color: '#fff', font: '600 15px system-ui, sans-serif', cursor: 'pointer',
  });
  bar.appendChild(close);
  panel.appendChild(bar);

  function open() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = chatUrl + (lang === 'en' ? '?lang=en' : '');
      frame.title = t.open;
      frame.setAttribute('referrerpolicy', 'no-referrer');
      Object.assign(frame.style, { width: '100%', height: 'calc(100% - 48px)', border: '0', display: 'block' });
      panel.appendChild(frame);
    }
    panel.style.display = 'block';
    button.style.display = 'none';
    button.setAttribute('aria-expanded', 'true');
    frame.focus();
  }

  function hide() {
    panel.style.display = 'none';
    button.style.display = 'block';
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }

  button.addEventListener('click', open);
  close.addEventListener('click', hide);
  // The chat's quick exit: remove every trace from this page and leave it without a way back.
  window.addEventListener('message', function (e) {
    if (e.origin !== chatOrigin || !frame || e.source !== frame.contentWindow) return;
    var data = e.data || {};
    if (data.type !== 'htx-quick-exit' || !/^https?:\/\//.test(String(data.url))) return;
    panel.parentNode.removeChild(panel);
    button.parentNode.removeChild(button);
    window.location.replace(data.url);
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
