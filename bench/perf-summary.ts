// Where a server's CPU went, from a `perf record -g` file written by BENCH_PERF: each sample
// is put in one category by its whole call chain (argon2id, the V8 compiler and GC, OpenSSL,
// the kernel, JS), split by main thread and other threads.
//   node --import tsx bench/perf-summary.ts <file.perf.data>
import { execFileSync } from 'node:child_process';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/perf-summary.ts <file.perf.data>');
const script = execFileSync('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym,dso'], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString();

const rules: Array<[string, (chain: string, leaf: string) => boolean]> = [
  ['argon2id: hashing', (c, l) => /argon2\.linux/.test(c) && !/kallsyms/.test(l)],
  ['argon2id: kernel zeroing its fresh 19 MiB', (c) => /argon2\.linux/.test(c)],
  ['V8 optimising compiler', (c) => /v8::internal::compiler::|OptimizingCompileDispatcher|maglev/i.test(c)],
  ['V8 garbage collector', (c) => /Scavenge|MarkCompact|ConcurrentMarking|Sweeper|MinorMC/.test(c)],
  ['OpenSSL (RSA signatures, HMAC, hashes, AES)', (c) => /ossl_|RSA_|EVP_|sha256_block|sha1_block|BN_/.test(c)],
  ['kernel: sockets, epoll', (c, l) => /kallsyms/.test(l) && /tcp_|sock_|ep_poll|do_epoll|do_writev|ksys_(read|write)|__sys_(send|recv)/.test(c)],
  ['kernel: memory', (c, l) => /kallsyms/.test(l) && /page_fault|clear_page|mmap|unmap/.test(c)],
  ['kernel: other (scheduling, futex)', (_c, l) => /kallsyms/.test(l)],
  ['JS: optimised code', (_c, l) => /JS:\*/.test(l)],
  ['JS: interpreter, baseline, builtins, inline caches', (_c, l) => /JS:|Builtins_/.test(l)],
  ['node / V8 runtime (C++)', (_c, l) => /\/node\)$/.test(l)],
  ['libc (malloc, memset, memcpy)', (_c, l) => /libc/.test(l)],
];

const counts = new Map<string, number>();
let total = 0;
for (const block of script.split('\n\n')) {
  const lines = block.trim().split('\n');
  if (lines.length < 2) continue;
  const [pid, tid] = lines[0]!
    .trim()
    .split(/[\s/]+/)
    .map(Number);
  const frames = lines.slice(1).map((l) => l.trim());
  const chain = frames.join('\n');
  const category = rules.find(([, test]) => test(chain, frames[0]!))?.[0] ?? 'other';
  const key = `${pid === tid ? 'main thread  ' : 'other threads'} | ${category}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  total++;
}

const lines = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${k}`);
process.stdout.write(`${total} samples\n${lines.join('\n')}\n`);
