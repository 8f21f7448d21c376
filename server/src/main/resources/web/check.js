// vardmote /check: the pre-call check on its own, reachable from an invitation without joining anything.
// No token is read and nothing is joined; the connection check only pings the server (docs/protocol.md).
// Words come from the catalogues (messages-sv.js, messages-en.js), chosen as on /join.
'use strict';

(() => {
  const LANGUAGE = window.vardmoteLanguage;
  let lang = LANGUAGE.choose();
  let check = null;

  function t(key, params) {
    return LANGUAGE.text(lang, key, params);
  }

  function applyLanguage() {
    LANGUAGE.apply(lang, document.querySelector('[data-testid="language"]'));
    document.title = t('checkTitle') + ' – vardmote';
    if (check) check.relabel();
  }

  function start() {
    document.querySelector('[data-testid="language"]').addEventListener('click', () => {
      lang = LANGUAGE.switchFrom(lang);
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
