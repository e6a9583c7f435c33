/* @wirthforge-plugin {
  "id": "hostile-dom", "name": "Hostile: DOM", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: reaches for the page's document",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 }
} */
export default {
  events() {
    // A worker has no document: this throws, and the host disables the plugin with the error.
    document.body.innerHTML = '<h1>owned</h1>';
  },
};
