import { describe, expect, it } from 'vitest';
import { appHref, compareHref, normalisedPath, shareHref } from './app-links.ts';

const origin = 'http://127.0.0.1:4340';

describe('app links', () => {
  it.each([
    { pathname: '/', app: `${origin}/` },
    { pathname: '/index.html', app: `${origin}/index.html` },
    { pathname: '/wirthforge/', app: `${origin}/wirthforge/` },
    { pathname: '//evil.example/', app: `${origin}/evil.example/` },
    { pathname: '//evil.example', app: `${origin}/evil.example` },
    { pathname: '///evil.example//x/', app: `${origin}/evil.example/x/` },
    { pathname: '/\\evil.example/', app: `${origin}/evil.example/` },
    { pathname: '\\\\evil.example', app: `${origin}/evil.example` },
    { pathname: '', app: `${origin}/` },
  ])('$pathname → $app', ({ pathname, app }) => {
    const page = { origin, pathname };
    expect(appHref(page)).toBe(app);
    expect(compareHref(page, 'share=abc')).toBe(`${app}?compare#share=abc`);
    expect(shareHref(page, 'share=abc')).toBe(`${app}#share=abc`);
    // Whatever the page was opened under, every link resolves to this origin.
    for (const href of [appHref(page), compareHref(page, 'share=abc'), shareHref(page, 'share=abc')]) {
      expect(new URL(href, `${origin}${pathname.replace(/^[/\\]*/, '/')}`).origin).toBe(origin);
    }
  });

  it.each([
    { pathname: '//evil.example/', path: '/evil.example/' },
    { pathname: '/a//b///c', path: '/a/b/c' },
    { pathname: 'x', path: '/x' },
  ])('an opaque origin gets a same-origin path: $pathname → $path', ({ pathname, path }) => {
    expect(normalisedPath(pathname)).toBe(path);
    expect(appHref({ origin: 'null', pathname })).toBe(path);
    // Relative to any page, a path with one leading slash stays on that page's host.
    expect(new URL(compareHref({ origin: 'null', pathname }, 'share=x'), 'https://here.example/q').host).toBe('here.example');
  });
});
