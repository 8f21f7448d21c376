// vardmote: the page's language, for /join and /check alike. Words come from one catalogue per language
// (messages-sv.js, messages-en.js); none are written here or in the pages' scripts.
'use strict';

window.vardmoteLanguage = (() => {
  const MESSAGES = window.vardmoteMessages || {};
  const KEY = 'vardmote.lang';

  /** Swedish unless the browser prefers English (or the person chose a language on this device before). */
  function choose() {
    try {
      const kept = localStorage.getItem(KEY);
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

  /** The other language's code, after a switch remembered on this device where storage allows. */
  function switchFrom(lang) {
    const next = lang === 'sv' ? 'en' : 'sv';
    try {
      localStorage.setItem(KEY, next);
    } catch (e) {
      // not kept: this page still switches
    }
    return next;
  }

  /** The text for {@code key} in {@code lang} (else Swedish), with {name} placeholders filled in. */
  function text(lang, key, params) {
    const words = (MESSAGES[lang] && MESSAGES[lang][key]) || (MESSAGES.sv && MESSAGES.sv[key]) || key;
    return words.replace(/\{(\w+)\}/g, (_, name) => (params && params[name] !== undefined && params[name] !== null
      ? String(params[name]) : ''));
  }

  /**
   * Sets the page's lang and dir, fills every [data-i18n] (text) and [data-i18n-label] (aria-label), and names the
   * other language on {@code button} in that language.
   */
  function apply(lang, button) {
    document.documentElement.lang = lang;
    document.documentElement.dir = text(lang, 'dir');
    document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = text(lang, e.dataset.i18n); });
    document.querySelectorAll('[data-i18n-label]').forEach((e) => { e.setAttribute('aria-label', text(lang, e.dataset.i18nLabel)); });
    if (!button) return;
    const other = lang === 'sv' ? 'en' : 'sv';
    button.textContent = (MESSAGES[other] || {}).languageName || other;
    button.lang = other;
  }

  /** Whether the catalogues have words for {@code key} (a code the page knows). */
  function knows(key) {
    return Boolean(MESSAGES.sv && MESSAGES.sv[key]);
  }

  return { choose, switchFrom, text, apply, knows };
})();
