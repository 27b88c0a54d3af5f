// One client-credentials token request (client_secret_basic), the same bytes for Twofold and
// for the bare oidc-provider reference, over a pool of keep-alive connections.
import { Pool } from 'undici';

export function clientCredentialsOp(url: string, client: { clientId: string; clientSecret: string }, connections: number) {
  const pool = new Pool(url, { connections, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
  const headers = { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' };

  async function op(): Promise<void> {
    const res = await pool.request({ path: '/token', method: 'POST', headers, body: 'grant_type=client_credentials' });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`token endpoint answered ${res.statusCode}: ${text.slice(0, 200)}`);
    const json = JSON.parse(text) as { access_token?: string; token_type?: string };
    if (!json.access_token || json.token_type !== 'Bearer') throw new Error(`no bearer access token in ${text.slice(0, 200)}`);
  }

  return { op, close: () => pool.close() };
}
