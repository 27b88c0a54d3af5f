// WebAuthn options go into the page as `<script type="application/json" id="webauthn-options">`
// (the CSP allows no inline script, and data in a non-executed script element needs no extra
// request). The content of a script element is not HTML-decoded, so autoescaped output would
// corrupt the JSON, and raw output must not be able to close the element: every `<`, `>` and `&`
// is written as a JSON \u escape, and so are U+2028/U+2029 for older parsers. Output it raw
// (eta `<%~ %>`).
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
