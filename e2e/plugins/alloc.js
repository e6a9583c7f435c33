/* @wirthforge-plugin {
  "id": "hostile-alloc", "name": "Hostile: 1 GB", "version": "0.0.1", "kind": "analyzer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: allocates a gigabyte and keeps it",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 }
} */
const kept = [];
export default {
  events() {
    const big = new Uint8Array(1024 * 1024 * 1024);
    big.fill(7);
    kept.push(big);
  },
};
