/**
 * The links a page builds back to the app: "Open Wirthforge", "compare with this machine", and the
 * share link itself. They used to be `location.pathname` + a suffix, and a page opened under a path
 * that begins with `//` (`https://app.example//evil.example/#share=…`, which a server happily
 * serves) then built `//evil.example/?compare#…`: a protocol-relative link to another host, on a page
 * whose content is a stranger's. So every such link is absolute, built from the page's own origin,
 * with the path's runs of slashes (or backslashes, which browsers read as slashes) collapsed to one:
 * it can only ever point at this origin. Pure, over the two parts of `location` it needs.
 */

export interface PageLocation {
  /** `location.origin`: "null" for opaque origins (a file, a sandboxed frame). */
  origin: string;
  pathname: string;
}

/** The path with every run of `/` or `\` as one `/`, always starting with one: never `//host`. */
export function normalisedPath(pathname: string): string {
  const path = pathname.replace(/[/\\]+/g, '/');
  return path.startsWith('/') ? path : `/${path}`;
}

/** This page's own address without query or fragment; a same-origin path where the origin is opaque. */
export function appHref(page: PageLocation): string {
  const path = normalisedPath(page.pathname);
  return page.origin === 'null' ? path : `${page.origin}${path}`;
}

/** The app with a shared result beside this machine's history. `fragment` is `share=…`, without '#'. */
export function compareHref(page: PageLocation, fragment: string): string {
  return `${appHref(page)}?compare#${fragment}`;
}

/** The share link to hand out: the app's address with the result in its fragment. */
export function shareHref(page: PageLocation, fragment: string): string {
  return `${appHref(page)}#${fragment}`;
}
