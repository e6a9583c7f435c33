/* @wirthforge-plugin {
  "id": "synthetic-heavy",
  "name": "Synthetic heavy plugin",
  "version": "1.0.0",
  "kind": "analyzer",
  "weight": "heavy",
  "description": "A test of the budget: burns msPerEvent milliseconds of its worker's time on every event it receives.",
  "events": [{ "type": "token" }],
  "permissions": { "annotate": true, "draw": false, "storeBytes": 0 },
  "config": { "msPerEvent": 20 }
} */
// Built-in plugin for the plugin-heavy scenario and the budget's tests: real CPU time, in its worker.

export default {
  events(events, api) {
    for (let i = 0; i < events.length; i++) {
      const until = api.now() + api.config.msPerEvent;
      while (api.now() < until) {
        // burning time on purpose
      }
    }
    api.annotate({ target: 'all', badge: `burned ${events.length * api.config.msPerEvent} ms on ${events.length} events` });
  },
};
