/**
 * Markdown → HTML for notebook outputs (marked, GitHub-flavoured: tables, fenced code). Used so
 * markdown outputs also carry `text/html`, which every front end shows even in an untrusted
 * notebook (sanitized); inline HTML such as `<details>` passes through.
 */
import { Marked } from 'marked';

const md = new Marked({ gfm: true, breaks: false, async: false });

/** The HTML rendering of `markdown` (a fragment, no <html> wrapper). */
export function markdownToHtml(markdown: string): string {
  if (typeof markdown !== 'string') throw new TypeError(`markdownToHtml markdown: must be a string, got ${typeof markdown}`);
  return (md.parse(markdown) as string).trimEnd();
}
