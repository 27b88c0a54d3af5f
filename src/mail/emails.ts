// E-mails as pairs of templates, interactions/emails/<name>.txt.eta and <name>.html.eta (plain
// text, and simple inline-styled HTML without external resources), texts from the catalogue
// under email.<name_with_underscores>. The subject never carries a code: it shows on lock
// screens and in notification previews.
import { Eta } from 'eta';
import { projectPath } from '../project-root.js';
import { localClientName } from '../i18n/client-name.js';
import type { Translator } from '../i18n/i18n.js';

export interface SignInCodeEmail {
  code: string;
  /** how long the code works, in seconds (CODE_TTL_SECONDS) */
  validSeconds: number;
  /** the app being signed in to, when known */
  client?: string | undefined;
  /** who asked: a browser description ("Firefox on Windows") and an IP address, when known */
  browser?: string | undefined;
  ip?: string | undefined;
  /** defaults to the catalogue's product name */
  product?: string | undefined;
}

/**
 * A message about the account (security notices, single-use links): texts already translated
 * by the sender, a button for the link, facts (when, browser, IP), "This wasn't me".
 */
export interface AccountNoticeEmail {
  subject: string;
  heading: string;
  paragraphs: string[];
  button?: { url: string; text: string } | undefined;
  /** shown under the button: the link as text, for mail programs that hide buttons */
  facts?: Array<{ label: string; value: string }> | undefined;
  notMe?: { text: string; url: string; button: string } | undefined;
  closing?: string | undefined;
  product?: string | undefined;
}

/** Every e-mail we send and the data its templates need. */
export interface EmailData {
  'sign-in-code': SignInCodeEmail;
  'account-notice': AccountNoticeEmail;
}

export type EmailName = keyof EmailData;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

let engines: { html: Eta; text: Eta } | undefined;

function templates(): { html: Eta; text: Eta } {
  const views = projectPath('interactions', 'emails');
  engines ??= {
    html: new Eta({ views, autoEscape: true, cache: true }),
    // plain text is not HTML: escaping would put &amp; into the message; line breaks are
    // content, so only control tags written `-%>` eat the newline after them
    text: new Eta({ views, autoEscape: false, autoTrim: false, cache: true }),
  };
  return engines;
}

/** "90 seconds", "5 minutes": whole minutes read better, other lengths stay in seconds. */
export function validity(tr: Translator, seconds: number): string {
  return seconds >= 60 && seconds % 60 === 0 ? tr.t('email.minutes', { count: seconds / 60 }) : tr.t('email.seconds', { count: seconds });
}

export function renderEmail<N extends EmailName>(name: N, tr: Translator, data: EmailData[N]): RenderedEmail {
  const key = `email.${name.replace(/-/g, '_')}`;
  const product = data.product ?? tr.t('product');
  const client = 'client' in data ? localClientName(tr, data.client) : undefined;
  const it = { ...data, client, product, t: tr.t, lang: tr.lang, key, validFor: 'validSeconds' in data ? validity(tr, data.validSeconds) : undefined };
  const { html, text } = templates();
  // one line: a line break in a subject would end the header
  const subject = ('subject' in data ? data.subject : tr.t(`${key}.subject`, { product })).replace(/[\r\n]+/g, ' ').trim();
  return { subject, text: text.render(`./${name}.txt.eta`, it), html: html.render(`./${name}.html.eta`, it) };
}
