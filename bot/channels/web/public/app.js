/*
 * Hộp Thư Xanh web chat — the page's client. Plain ES2015 with no build step and no
 * async/await, so that it also runs on old and cheap phones (KaiOS 2.5 is Gecko 48).
 *
 * Everything the bot or the child wrote is put on the screen with textContent, never as HTML.
 * The session is a random token kept in localStorage: no account, no cookie.
 */
(function () {
  'use strict';

  var LANG_KEY = 'htx-chat-lang';
  var TOKEN_KEY = 'htx-chat-session';
  var OUTBOX_KEY = 'htx-chat-outbox';
  var ACTIVE_KEY = 'htx-chat-active';
  /** Set for the next page only: the chat before was ended (idle, or by the server). */
  var ENDED_KEY = 'htx-chat-ended';
  var IDLE_CHECK_MS = 20000;
  var POLL_MS = 1500;
  var FAST_POLL_MS = 400;
  var FAST_FOR_MS = 6000;
  var HIDDEN_POLL_MS = 10000;
  var ESC_TWICE_MS = 800;
  /** Emergency numbers become tel: links; case codes are set apart so they are easy to copy. */
  var SPECIAL = /(\bHTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b|\b11[1345]\b)/;

  var config = JSON.parse(document.getElementById('htx-config').textContent);
  var S = config.strings;
  var list = document.getElementById('messages');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  var offline = document.getElementById('offline');
  var uploadError = document.getElementById('upload-error');
  var fileInput = document.getElementById('file');
  var header = document.querySelector('.top');
  var bottom = document.querySelector('.bottom');

  var state = {
    token: null,
    lastSeq: 0,
    /** Messages not yet accepted by the server, in order: {id, text?, payload?, label?}. */
    outbox: [],
    /** Bubbles of messages the server has not shown back yet, by message id. */
    pendingBubbles: {},
    sending: false,
    polling: false,
    pollGen: 0,
    pollTimer: null,
    fastUntil: 0,
    retryMs: 1000,
    retryTimer: null,
    focusOptions: false,
    exiting: false,
    lastEsc: 0,
    /** The bot's language as the server first reported it; a later change is the child's switch. */
    serverLang: null,
    /** Whom the page speaks to: 'child' (as rendered) or 'adult' (a parent, a teacher…). */
    voice: 'child',
  };

  // ── Storage (may be unavailable: private mode, blocked storage) ──────────────────────

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* the chat still works until reload */ }
  }
  function saveOutbox() {
    save(OUTBOX_KEY, JSON.stringify(state.outbox));
  }

  function randomId(bytes) {
    var b = new Uint8Array(bytes);
    window.crypto.getRandomValues(b);
    var s = '';
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return window.btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // ── Rendering ─────────────────────────────────────────────────────────────────────────

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Bot text with numbers and codes marked up; built node by node, never as HTML. */
  function botText(text) {
    var p = el('p', 'text');
    var parts = String(text).split(SPECIAL);
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 1 && parts[i].charAt(0) === 'H') {
        p.appendChild(el('strong', 'code', parts[i]));
        p.appendChild(copyButton(parts[i]));
      } else if (i % 2 === 1) {
        var a = el('a', 'tel', parts[i]);
        a.href = 'tel:' + parts[i];
        p.appendChild(a);
      } else if (parts[i]) {
        p.appendChild(document.createTextNode(parts[i]));
      }
    }
    return p;
  }

  /** A button that copies a case code, so the child can keep it somewhere safe. */
  function copyButton(code) {
    var button = el('button', 'copy', S.copy);
    button.type = 'button';
    button.setAttribute('aria-label', S.copyLabel.replace('{{code}}', code));
    button.addEventListener('click', function () {
      var done = function () { button.textContent = S.copied; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code).then(done, function () { selectCode(button); });
      } else {
        selectCode(button);
      }
    });
    return button;
  }

  /** Where copying is not allowed, the code is selected so that the phone offers to copy it. */
  function selectCode(button) {
    var code = button.previousSibling;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function bubble(from, text) {
    var li = el('li', 'msg msg-' + from);
    li.appendChild(el('span', 'visually-hidden', (from === 'bot' ? S.bot : S.you) + ': '));
    li.appendChild(from === 'bot' ? botText(text) : el('p', 'text', text));
    return li;
  }

  function optionsOf(entry) {
    var box = el('div', 'options');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', S.options);
    if (entry.layout === 'areas' && entry.options.length > 2) return areaOptions(box, entry.options);
    entry.options.forEach(function (row) { box.appendChild(optionRow(box, row, 'row')); });
    return box;
  }

  function optionRow(box, row, className) {
    var rowEl = el('div', className);
    row.forEach(function (option) { rowEl.appendChild(optionButton(box, option)); });
    return rowEl;
  }

  function optionButton(box, option) {
    var button = el('button', 'option', option.label);
    button.type = 'button';
    button.addEventListener('click', function () { choose(box, button, option); });
    return button;
  }

  /** Letters without diacritics, lower case, no spaces: "Hà Nội" and "hanoi" meet. */
  function fold(text) {
    var s = String(text).toLowerCase().replace(/[đ]/g, 'd');
    if (s.normalize) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return s.replace(/[^a-z0-9]/g, '');
  }

  var searchCount = 0;

  /**
   * A list of places (provinces, communes): Skip first, beside a search box, the places as a compact
   * grid that the search narrows, then Menu and 111. Enter in the search chooses the one place
   * left; when none is left, what was typed is sent as the answer (the bot knows other names:
   * "Sài Gòn", old provinces).
   */
  function areaOptions(box, rows) {
    var places = [];
    for (var i = 1; i < rows.length - 1; i++) places = places.concat(rows[i]);
    box.className += ' areas';
    var top = optionRow(box, rows[0], 'row search-row');
    var id = 'place-search-' + (++searchCount);
    var label = el('label', 'visually-hidden', S.placesSearch);
    label.setAttribute('for', id);
    var search = el('input', 'place-search');
    search.type = 'search';
    search.id = id;
    search.placeholder = S.placesSearch;
    search.setAttribute('autocomplete', 'off');
    var grid = el('div', 'grid');
    var buttons = places.map(function (option) { return grid.appendChild(optionButton(box, option)); });
    var none = el('p', 'grid-none', S.placesNone);
    none.hidden = true;
    none.setAttribute('aria-live', 'polite');
    function visible() {
      return buttons.filter(function (b) { return !b.hidden; });
    }
    search.addEventListener('input', function () {
      var q = fold(search.value);
      buttons.forEach(function (b) { b.hidden = q !== '' && fold(b.textContent).indexOf(q) < 0; });
      none.hidden = visible().length > 0;
    });
    search.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      var left = visible();
      if (left.length === 1) return left[0].click();
      var text = search.value.trim();
      if (!left.length && text && !search.disabled) {
        box.setAttribute('data-chosen', '');
        state.focusOptions = true;
        send({ id: randomId(16), text: text });
      }
    });
    top.appendChild(label);
    top.appendChild(search);
    box.appendChild(top);
    box.appendChild(grid);
    box.appendChild(none);
    box.appendChild(optionRow(box, rows[rows.length - 1], 'row'));
    return box;
  }

  /** The commands this page sends by itself are not something the child wrote. */
  function isHidden(entry) {
    return entry.from === 'child' && /^\/(start|lang)$/.test(String(entry.text || '').trim());
  }

  /** Adds transcript entries before the bubbles still being sent. */
  function append(entries) {
    var firstPending = list.querySelector('.pending');
    var newOptions = null;
    var added = false;
    var firstNewBot = null;
    entries.forEach(function (entry) {
      state.lastSeq = Math.max(state.lastSeq, entry.seq);
      if (isHidden(entry)) return;
      var li = bubble(entry.from === 'bot' ? 'bot' : 'child', entry.text || '');
      if (entry.from === 'bot' && entry.options && entry.options.length) {
        newOptions = optionsOf(entry);
        li.appendChild(newOptions);
      }
      list.insertBefore(li, firstPending);
      if (entry.from === 'bot' && !firstNewBot) firstNewBot = li;
      added = true;
    });
    if (!added) return;
    refreshOptions();
    if (newOptions && state.focusOptions && !newOptions.querySelector('button').disabled) {
      state.focusOptions = false;
      newOptions.querySelector('button').focus({ preventScroll: true });
    }
    scrollToAnswer(firstNewBot);
  }

  /**
   * Scrolls to the end, but never past the start of the bot's latest answer (the messages after
   * the child's last one), so that a long answer such as the receipt is read from its first line.
   * A message that arrives later on its own (a counsellor's answer) is shown from its first line.
   */
  /** How long an answer stays put on screen before what arrives after it may take its place. */
  var SETTLE_MS = 5000;

  function scrollToAnswer(firstNew) {
    var start = null;
    for (var node = list.lastElementChild; node && !/\bmsg-child\b/.test(node.className); node = node.previousElementSibling) start = node;
    if (!start) return scrollToEnd();
    // The screen between the sticky header and the sticky text box.
    var room = window.innerHeight - header.offsetHeight - bottom.offsetHeight - 8;
    // From the answer's first line, unless that would leave what just arrived below the screen
    // and the answer has been on screen a while (its rest arriving a moment later, on a slow
    // connection, must not push a receipt's code under the header before it was read).
    var settled = !start.shownAt || Date.now() - start.shownAt > SETTLE_MS;
    if (firstNew && firstNew !== start && settled && firstNew.getBoundingClientRect().top - start.getBoundingClientRect().top > room - 80) start = firstNew;
    if (!start.shownAt) start.shownAt = Date.now();
    var top = start.getBoundingClientRect().top + window.pageYOffset - header.offsetHeight - 8;
    window.scrollTo(0, Math.min(top, document.body.scrollHeight - window.innerHeight));
  }

  /**
   * Only the latest buttons can be pressed: those of the last bot message that has any, as long
   * as the child has not written since (a counsellor's answer arriving does not take them away).
   */
  function refreshOptions() {
    var groups = list.querySelectorAll('.options');
    var liveGroup = null;
    for (var node = list.lastElementChild; node && !/\bmsg-child\b/.test(node.className); node = node.previousElementSibling) {
      var g = node.querySelector('.options');
      if (g) { liveGroup = g; break; }
    }
    for (var i = 0; i < groups.length; i++) {
      var live = groups[i] === liveGroup && !groups[i].hasAttribute('data-chosen');
      var buttons = groups[i].querySelectorAll('button, input');
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = !live;
    }
  }

  function scrollToEnd() {
    window.scrollTo(0, document.body.scrollHeight);
  }

  function setOffline(isOffline) {
    offline.hidden = !isOffline;
  }

  // ── Sending ───────────────────────────────────────────────────────────────────────────

  function api(method, path, body) {
    var headers = { 'X-Chat-Session': state.token };
    if (body) headers['Content-Type'] = 'application/json';
    return window.fetch(config.api + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
  }

  function showPending(message) {
    if (isHidden({ from: 'child', text: message.text })) return;
    var li = bubble('child', message.text || message.label || '');
    li.className += ' pending';
    li.appendChild(el('span', 'status', S.sending));
    list.appendChild(li);
    state.pendingBubbles[message.id] = { li: li, sentGen: null };
    refreshOptions();
    scrollToEnd();
  }

  function send(message) {
    markActive();
    state.outbox.push(message);
    saveOutbox();
    showPending(message);
    flush();
  }

  /** Posts the outbox in order; a failed post is retried with the same id (the server dedupes). */
  function flush() {
    if (state.sending || state.exiting || !state.outbox.length) return;
    var message = state.outbox[0];
    state.sending = true;
    api('POST', '/messages', message)
      .then(function (res) {
        if (res.status === 410) return sessionGone();
        if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return res.ok;
        throw new Error('HTTP ' + res.status);
      })
      .then(function (accepted) {
        if (accepted === undefined) return;
        state.sending = false;
        state.retryMs = 1000;
        state.outbox.shift();
        saveOutbox();
        setOffline(false);
        var pending = state.pendingBubbles[message.id];
        if (pending && accepted) pending.sentGen = state.pollGen;
        if (pending && !accepted) dropPending(message.id);
        state.fastUntil = Date.now() + FAST_FOR_MS;
        pollNow();
        flush();
      })
      .catch(function () {
        state.sending = false;
        setOffline(true);
        clearTimeout(state.retryTimer);
        state.retryTimer = setTimeout(flush, state.retryMs);
        state.retryMs = Math.min(state.retryMs * 2, 15000);
      });
  }

  function dropPending(id) {
    var pending = state.pendingBubbles[id];
    if (pending && pending.li.parentNode) pending.li.parentNode.removeChild(pending.li);
    delete state.pendingBubbles[id];
    refreshOptions();
  }

  function choose(group, button, option) {
    if (button.disabled) return;
    group.setAttribute('data-chosen', '');
    button.className += ' chosen';
    state.focusOptions = true;
    send({ id: randomId(16), payload: option.id, label: option.label });
  }

  // ── Photos and recordings ─────────────────────────────────────────────────────────────

  function showUploadError(text) {
    uploadError.textContent = text || '';
    uploadError.hidden = !text;
  }

  /** The child's words for a refused upload, by the server's answer. */
  function refusal(status) {
    if (status === 413) return S.uploadTooLarge;
    if (status === 415) return S.uploadUnsupported;
    if (status === 429) return S.uploadTooMany;
    return S.uploadFailed;
  }

  /**
   * Sends a photo or recording as it is, at once (a file is not kept in the page to retry
   * later). The server decides from its bytes what it is; the transcript then shows only that
   * a photo or recording was sent, never the file.
   */
  function upload(file) {
    if (!file || state.exiting) return;
    showUploadError('');
    if (file.size > config.maxUploadBytes) return showUploadError(S.uploadTooLarge);
    var id = randomId(16);
    showPending({ id: id, label: /^audio\//.test(file.type) ? S.voiceSent : S.photoSent });
    window.fetch(config.api + '/uploads?id=' + id + '&lang=' + config.lang, {
      method: 'POST',
      headers: { 'X-Chat-Session': state.token, 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
      cache: 'no-store',
      credentials: 'omit',
    })
      .then(function (res) {
        if (state.exiting) return;
        if (res.status === 410) return sessionGone();
        if (!res.ok) {
          dropPending(id);
          return showUploadError(refusal(res.status));
        }
        var pending = state.pendingBubbles[id];
        if (pending) pending.sentGen = state.pollGen;
        state.fastUntil = Date.now() + FAST_FOR_MS;
        pollNow();
      })
      .catch(function () {
        dropPending(id);
        showUploadError(S.uploadFailed);
      });
  }

  document.getElementById('attach').addEventListener('click', function () {
    if (!state.exiting) fileInput.click();
  });
  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    upload(file);
  });

  // ── Receiving ─────────────────────────────────────────────────────────────────────────

  function pollNow() {
    clearTimeout(state.pollTimer);
    poll();
  }

  function poll() {
    if (state.polling || state.exiting) return;
    state.polling = true;
    var gen = ++state.pollGen;
    var full = false;
    api('GET', '/messages?after=' + state.lastSeq)
      .then(function (res) {
        if (res.status === 410) return sessionGone();
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (body) {
        if (state.exiting || !body) return;
        setOffline(false);
        if (followLang(body.lang)) return;
        followVoice(body.voice);
        if (body.messages.length) markActive();
        // The server shows back what it accepted: the "sending" bubble is no longer needed. It
        // goes before the new messages are added, so that the bot's answer is the last thing in
        // the list and is scrolled to from its first line (a "sending" bubble left last made the
        // page scroll to the end, and a long receipt's code ended under the sticky header).
        Object.keys(state.pendingBubbles).forEach(function (id) {
          var sentGen = state.pendingBubbles[id].sentGen;
          if (sentGen !== null && gen > sentGen) dropPending(id);
        });
        append(body.messages);
        full = body.messages.length >= 200;
      })
      .catch(function () {
        setOffline(true);
      })
      .then(function () {
        state.polling = false;
        schedulePoll(full ? 0 : null);
      });
  }

  function schedulePoll(delay) {
    if (state.exiting) return;
    clearTimeout(state.pollTimer);
    if (delay === null) delay = document.hidden ? HIDDEN_POLL_MS : Date.now() < state.fastUntil ? FAST_POLL_MS : POLL_MS;
    state.pollTimer = setTimeout(poll, delay);
  }

  // ── Quick exit ────────────────────────────────────────────────────────────────────────

  /** Stops everything and wipes the chat from the screen and the browser's storage. */
  function wipe() {
    state.exiting = true;
    clearTimeout(state.pollTimer);
    clearTimeout(state.retryTimer);
    while (list.firstChild) list.removeChild(list.firstChild);
    input.value = '';
    fileInput.value = '';
    showUploadError('');
    try { window.localStorage.clear(); } catch (e) { /* nothing stored */ }
    try { window.sessionStorage.clear(); } catch (e) { /* nothing stored */ }
  }

  /** Tells the server to end the session: it files what the child wrote, then refuses the token. */
  function endOnServer(token, path) {
    if (!token) return Promise.resolve();
    if (path === '/exit' && navigator.sendBeacon) {
      navigator.sendBeacon(config.api + '/exit', token);
      return Promise.resolve();
    }
    return window.fetch(config.api + path, { method: 'POST', body: token, keepalive: true, credentials: 'omit' })
      .catch(function () { /* the token is gone from this device all the same */ });
  }

  /** Starts again on a fresh page, with a new session; `note` says the chat before was ended. */
  function startFresh(note) {
    if (note) save(ENDED_KEY, '1');
    window.location.replace(window.location.pathname + window.location.search);
  }

  /**
   * "Xong & xoá" and the idle clear-up: end the session, wipe everything, start a new chat that
   * says nothing of the one before (whoever picks up the phone next sees a new chat).
   */
  function endChat(note) {
    if (state.exiting) return;
    var token = state.token;
    wipe();
    endOnServer(token, '/end').then(function () { startFresh(note); });
  }

  /** The server no longer knows this session (ended elsewhere, or "forget me"): start again. */
  function sessionGone() {
    if (state.exiting) return;
    wipe();
    startFresh(true);
  }

  /** Wipes the chat from the screen, the browser and the server, and leaves without a way back. */
  function quickExit() {
    if (state.exiting) return;
    var token = state.token;
    wipe();
    endOnServer(token, '/exit');
    var url = config.quickExitUrl;
    if (window.top !== window.self) {
      // Inside the widget: the partner page's script leaves too; try to take the whole tab.
      window.parent.postMessage({ type: 'htx-quick-exit', url: url }, '*');
      try {
        window.top.location.replace(url);
        return;
      } catch (e) { /* top navigation refused: at least leave the frame */ }
    }
    window.location.replace(url);
  }

  document.getElementById('quick-exit').addEventListener('click', quickExit);

  // ── Done & delete, and the idle clear-up ──────────────────────────────────────────────

  var endButton = document.getElementById('end-chat');
  var endConfirm = document.getElementById('end-confirm');
  function showEndConfirm(open) {
    endConfirm.hidden = !open;
    endButton.setAttribute('aria-expanded', open ? 'true' : 'false');
    (open ? document.getElementById('end-yes') : endButton).focus();
  }
  endButton.addEventListener('click', function () { showEndConfirm(endConfirm.hidden); });
  document.getElementById('end-no').addEventListener('click', function () { showEndConfirm(false); });
  document.getElementById('end-yes').addEventListener('click', function () { endChat(false); });

  function markActive() {
    save(ACTIVE_KEY, String(Date.now()));
  }
  function idleTooLong() {
    var last = Number(load(ACTIVE_KEY) || 0);
    return last > 0 && Date.now() - last > config.idleMs;
  }
  setInterval(function () {
    if (!state.exiting && idleTooLong()) endChat(false);
  }, IDLE_CHECK_MS);
  ['keydown', 'pointerdown', 'touchstart'].forEach(function (type) {
    document.addEventListener(type, markActive, { passive: true });
  });

  // ── Voice ─────────────────────────────────────────────────────────────────────────────

  /** The page's own words as rendered (for a child), to go back to after "start over". */
  var CHILD_WORDS = { strings: {}, text: {} };
  Object.keys(config.adult.strings).forEach(function (k) { CHILD_WORDS.strings[k] = S[k]; });
  Object.keys(config.adult.text).forEach(function (id) { CHILD_WORDS.text[id] = document.getElementById(id).textContent; });

  /**
   * When the bot learns that an adult is writing about a child, the page's own words (the note
   * on clearing the chat, the end-chat question, hints and errors) speak to an adult too.
   */
  function followVoice(voice) {
    if ((voice !== 'adult' && voice !== 'child') || voice === state.voice) return;
    state.voice = voice;
    var words = voice === 'adult' ? config.adult : CHILD_WORDS;
    Object.keys(words.strings).forEach(function (k) { S[k] = words.strings[k]; });
    Object.keys(words.text).forEach(function (id) { document.getElementById(id).textContent = words.text[id]; });
  }

  // ── Language ──────────────────────────────────────────────────────────────────────────

  /**
   * When the child switches the bot's language inside the chat, the page follows: it is shown
   * again in that language (the bot has already answered in it). True when the page is leaving.
   */
  function followLang(lang) {
    if (lang !== 'vi' && lang !== 'en') return false;
    if (state.serverLang === null) state.serverLang = lang;
    if (lang === state.serverLang || lang === config.lang) return false;
    state.exiting = true;
    save(LANG_KEY, lang);
    window.location.replace(window.location.pathname + '?lang=' + lang);
    return true;
  }
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    var now = Date.now();
    if (now - state.lastEsc < ESC_TWICE_MS) quickExit();
    state.lastEsc = now;
  });

  // ── Composer ──────────────────────────────────────────────────────────────────────────

  function submit() {
    var text = input.value.trim();
    if (!text || state.exiting) return;
    input.value = '';
    resizeInput();
    showUploadError('');
    send({ id: randomId(16), text: text });
  }

  function resizeInput() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 128) + 'px';
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    submit();
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    // Vietnamese keyboards compose letters: Enter that ends a composition is not "send".
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', resizeInput);

  // Switching language replaces the page, so Back does not walk through chat pages.
  document.getElementById('lang-switch').addEventListener('click', function (e) {
    e.preventDefault();
    window.location.replace(this.href);
  });

  window.addEventListener('online', function () { flush(); pollNow(); });
  window.addEventListener('offline', function () { setOffline(true); });
  document.addEventListener('visibilitychange', function () { if (!document.hidden) pollNow(); });

  // ── Start ─────────────────────────────────────────────────────────────────────────────

  function start() {
    if (load(ENDED_KEY)) {
      var note = document.getElementById('ended-note');
      note.textContent = S.ended;
      note.hidden = false;
      try { window.localStorage.removeItem(ENDED_KEY); } catch (e) { /* nothing stored */ }
    }
    var token = load(TOKEN_KEY);
    if (token && idleTooLong()) {
      // Left alone too long (the phone was put away, the tab closed): nothing is shown again.
      var old = token;
      wipe();
      return endOnServer(old, '/end').then(function () { startFresh(false); });
    }
    var firstVisit = !/^[A-Za-z0-9_-]{43}$/.test(token || '');
    if (firstVisit) {
      token = randomId(32);
      save(TOKEN_KEY, token);
    }
    state.token = token;
    markActive();
    if (!firstVisit) {
      try { state.outbox = JSON.parse(load(OUTBOX_KEY) || '[]'); } catch (e) { state.outbox = []; }
      state.outbox.forEach(showPending);
    }
    if (!navigator.onLine) setOffline(true);
    poll();
    var lang = config.lang === 'en' ? 'en' : 'vi';
    if (firstVisit) {
      // The greeting and the menu come from the bot, in the page's language.
      save(LANG_KEY, lang);
      send({ id: randomId(16), text: '/start', lang: lang });
    } else if (load(LANG_KEY) !== lang) {
      // The page's language was switched: the bot follows.
      save(LANG_KEY, lang);
      send({ id: randomId(16), text: '/lang', lang: lang });
    } else {
      flush();
    }
  }

  start();
})();
