/**
 * Turns Markdown (or plain text, which Markdown reads as paragraphs) into prose blocks for sentence-level work.
 * The `marked` lexer finds the structure: paragraphs, list items and block quotes become blocks of plain text
 * (inline markup removed, hard-wrapped lines joined); fenced code, tables, headings, HTML and rules are left out,
 * because they are not sentences a summary could quote. Indented "code" is kept: in plain text it is usually just
 * indentation.
 */
import { Lexer, type Token, type Tokens } from 'marked';

export interface ProseOptions {
  /** Keep headings as blocks of their own (default false). */
  headings?: boolean;
}

function inline(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens || tokens.length === 0) return fallback;
  return tokens
    .map((t) => {
      switch (t.type) {
        case 'html':
        case 'image':
        case 'checkbox':
          return '';
        case 'br':
          return ' ';
        case 'codespan':
        case 'escape':
          return (t as Tokens.Codespan).text;
        default:
          return 'tokens' in t && Array.isArray(t.tokens) ? inline(t.tokens, String(t.text ?? '')) : String((t as Tokens.Generic).text ?? '');
      }
    })
    .join('');
}

function clean(text: string): string {
  return text
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _m)
    .replace(/\s+/g, ' ')
    .trim();
}

function collect(tokens: Token[], out: string[], options: ProseOptions): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'paragraph':
      case 'text':
        out.push(clean(inline((token as Tokens.Paragraph).tokens, (token as Tokens.Paragraph).text)));
        break;
      case 'heading':
        if (options.headings) out.push(clean(inline((token as Tokens.Heading).tokens, (token as Tokens.Heading).text)));
        break;
      case 'list':
        for (const item of (token as Tokens.List).items) collect(item.tokens, out, options);
        break;
      case 'blockquote':
        collect((token as Tokens.Blockquote).tokens, out, options);
        break;
      case 'code':
        if ((token as Tokens.Code).codeBlockStyle === 'indented') out.push(clean((token as Tokens.Code).text));
        break;
      default:
        // table, hr, html, space, def: not prose.
        break;
    }
  }
}

/** The prose blocks of `text`, in order; empty blocks dropped. Falls back to the whole text if nothing is prose. */
export function proseBlocks(text: string, options: ProseOptions = {}): string[] {
  const out: string[] = [];
  collect(new Lexer({ gfm: true }).lex(text), out, options);
  const blocks = out.filter((b) => b.length > 0);
  return blocks.length > 0 ? blocks : [clean(text)].filter((b) => b.length > 0);
}
