// Starts Debian's Firefox ESR headless for the tests, over WebDriver BiDi (there is no geckodriver here):
// fake camera and microphone without a prompt, loopback ICE candidates allowed, autoplay allowed, and nothing
// that would reach past this machine (telemetry, updates, safe browsing, captive-portal checks). With
// VARDMOTE_COLOR_SCHEME=dark the pages see prefers-color-scheme: dark (as on a phone or desktop set to dark).
import puppeteer from 'puppeteer-core';

const prefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.default_address_only': false,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'toolkit.telemetry.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
};

export function launchFirefox() {
  // layout.css.prefers-color-scheme.content-override: 0 dark, 1 light
  const scheme = process.env.VARDMOTE_COLOR_SCHEME === 'dark' ? 0 : 1;
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: { ...prefs, 'layout.css.prefers-color-scheme.content-override': scheme },
  });
}
