/* @wirthforge-plugin {
  "id": "hostile-storage", "name": "Hostile: storage", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: opens the app's IndexedDB",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 }
} */
export default {
  events() {
    // The sandbox's origin is opaque: the browser refuses IndexedDB outright (SecurityError).
    indexedDB.open('wirthforge-audit');
  },
};
