/** Server-rendered pages: every value goes through escapeHtml, nothing else builds markup. */
export function escapeHtml(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Markup that is already safe (built from escaped parts). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** A template tag that escapes every interpolated value unless it is already Html. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let markup = strings[0];
  values.forEach((value, index) => {
    const parts = Array.isArray(value) ? value : [value];
    markup += parts.map((part) => (part instanceof Html ? part.markup : escapeHtml(part))).join('');
    markup += strings[index + 1];
  });
  return new Html(markup);
}
