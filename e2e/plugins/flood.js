/* @wirthforge-plugin {
  "id": "hostile-flood", "name": "Hostile: message flood", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: floods the page with messages",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 1024 }
} */
export default {
  events(_events, api) {
    for (let i = 0; i < 200000; i++) {
      api.store.set('k', String(i % 10));
      self.postMessage({ kind: 'done', seq: i, busyMs: 0, annotations: [] });
    }
  },
};
