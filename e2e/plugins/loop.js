/* @wirthforge-plugin {
  "id": "hostile-loop", "name": "Hostile: endless loop", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: never returns",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 }
} */
export default {
  events() {
    for (;;) {
      // never answers
    }
  },
};
