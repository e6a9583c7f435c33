/**
 * The web app manifest (vite-plugin-pwa writes it to `manifest.webmanifest` and links it from every
 * page). start_url, scope and icon paths are relative, so they resolve against the manifest's own
 * URL: the app installs correctly under any base path.
 */
export interface WebManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose: 'any' | 'maskable';
}

export const THEME_COLOR = '#0f1115';

export const WEB_MANIFEST = {
  id: './',
  name: 'Wirthforge',
  short_name: 'Wirthforge',
  description: 'Run language models locally in your browser and measure them honestly. Works offline.',
  lang: 'en',
  start_url: './',
  scope: './',
  display: 'standalone' as const,
  orientation: 'any' as const,
  background_color: THEME_COLOR,
  theme_color: THEME_COLOR,
  categories: ['developer', 'utilities', 'productivity'],
  icons: [
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
    { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ] satisfies WebManifestIcon[],
};

/**
 * The build's files the service worker knows by revision (paths relative to the build's output): the
 * app's code, ORT's and llama.cpp's `.mjs`/`.wasm`, the bench's bare page, the icons, the model
 * manifest, wf-alphabet (the default model) and wf-tiny. precache-split.ts decides which of them are
 * stored at install and which when first used; other model files are stored the first time they are used (model-cache.ts).
 */
export const PRECACHE_GLOBS = ['**/*.{html,js,mjs,css,wasm,svg,png}', 'models/manifest.json', 'models/wf-alphabet/**/*', 'models/wf-tiny/**/*'];
/** ORT's `.wasm` is 27 MB; workbox skips anything over its limit (2 MiB by default) and the build fails. */
export const PRECACHE_MAX_FILE_BYTES = 64 * 1024 * 1024;
