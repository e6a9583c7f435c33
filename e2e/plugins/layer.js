/* @wirthforge-plugin {
  "id": "hostile-layer", "name": "Hostile: layer", "version": "0.0.1", "kind": "visualizer", "weight": "light",
  "description": "A hostile plugin for e2e/plugins.spec.ts: commits a layer far larger than the canvas, then a proper one, in turn",
  "events": [{ "type": "token" }, { "type": "turn-start" }, { "type": "turn-end" }, { "type": "rate" }],
  "permissions": { "annotate": true, "draw": true, "storeBytes": 0 }
} */
let batch = 0;

export default {
  events(_events, api) {
    const layer = api.layer;
    const canvas = layer.context.canvas;
    // Bytes in place of a bitmap cannot be sent this way: the harness keeps its own createImageBitmap.
    self.createImageBitmap = () => new ArrayBuffer(16);
    if (batch++ % 2 === 0) {
      // Far larger than the canvas: the page must refuse it, not draw or keep it.
      canvas.width = 4096;
      canvas.height = 1024;
    } else {
      canvas.width = layer.width;
      canvas.height = layer.height;
    }
    layer.context.fillStyle = 'rgb(255, 0, 0)';
    layer.context.fillRect(0, 0, 16, 16);
    api.annotate({ target: 'layer', badge: `committed ${batch} layers` });
    layer.commit();
  },
};
