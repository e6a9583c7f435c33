/* @wirthforge-plugin {
  "id": "<img src=x onerror=alert(1)>", "name": "Bad", "version": "1.0.0", "kind": "analyzer", "weight": "light",
  "events": [{ "type": "token" }], "permissions": {}
} */
export default { events() {} };
