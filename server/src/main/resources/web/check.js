// vardmote /check: the pre-call check on its own, reachable from an invitation without joining anything.
// No token is read and nothing is joined; the connection check only pings the server (docs/protocol.md).
// Words come from the catalogues (messages-sv.js, messages-en.js), chosen as on /join.
'use strict';

(() => {
  const MESSAGES = window.vardmoteMessages || {};
  const LANG_KEY = 'vardmote.lang';
  let lang = chooseLanguage();
  let check = null;

  /** Swedish unless the browser prefers English (or the person chose a language on this device before). */
  function chooseLanguage() {
    try {
      const kept = localStorage.getItem(LANG_KEY);
      if (kept && MESSAGES[kept]) return kept;
    } catch (e) {
      // storage refused: choose from the browser
    }
    for (const l of navigator.languages || [navigator.language || '']) {
      const base = String(l).toLowerCase().split('-')[0];
      if (MESSAGES[base]) return base;
    }
    return 'sv';
  }

  function t(key, params) {
    const text = (MESSAGES[lang] && MESSAGES[lang][key]) || (MESSAGES.sv && MESSAGES.sv[key]) || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (params && params[name] !== undefined && params[name] !== null
      ? String(params[name]) : ''));
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.documentElement.dir = t('dir');
    document.title = t('checkTitle') + ' – vardmote';
    document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll('[data-i18n-label]').forEach((e) => { e.setAttribute('aria-label', t(e.dataset.i18nLabel)); });
    const button = document.querySelector('[data-testid="language"]');
    const other = lang === 'sv' ? 'en' : 'sv';
    button.textContent = (MESSAGES[other] || {}).languageName || other;
    button.lang = other;
    if (check) check.relabel();
  }

  function start() {
    document.querySelector('[data-testid="language"]').addEventListener('click', () => {
      lang = lang === 'sv' ? 'en' : 'sv';
      try {
        localStorage.setItem(LANG_KEY, lang);
      } catch (e) {
        // not kept: this page still switches
      }
      applyLanguage();
    });
    applyLanguage();
    check = window.vardmotePrecall.run({
      root: document.querySelector('[data-testid="precall"]'),
      t,
      audioOnly: false,
      constraints: window.vardmoteMediaConstraints || null,
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
