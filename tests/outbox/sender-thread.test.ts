import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadedSender } from '../../outbox/sender-thread.js';

const spec = { channel: 'telegram' as const, moduleUrl: new URL('./fixtures/where.sender.ts', import.meta.url).href, exportName: 'WhereSender', options: { label: 'L' } };
const errorOf = (r: { ok: boolean; error?: string }) => (r.ok ? 'ok' : r.error!);
const threadOf = (r: { ok: boolean; error?: string }) => Number(errorOf(r).split(' thread ')[1]);

describe('a sender on a thread of its own', () => {
  let sender: ThreadedSender;
  afterEach(async () => sender?.stopThread());

  it('sends on another thread, built with the given options, and gives each send its own answer', async () => {
    sender = new ThreadedSender(spec);
    const results = await Promise.all(['a', 'b', 'c'].map((text, i) => sender.send(`chat${i}`, { text })));
    expect(results.map((r) => errorOf(r).split(' thread ')[0])).toEqual(['L chat0 a', 'L chat1 b', 'L chat2 c']);
    expect(new Set(results.map(threadOf)).size).toBe(1);
    expect(threadOf(results[0]!)).not.toBe(threadId);
  });

  it('reports a retryable failure for a send whose thread ended, and the next send starts a new thread', async () => {
    sender = new ThreadedSender(spec);
    const first = await sender.send('chat', { text: 'before' });
    expect(await sender.send('chat', { text: 'end the thread' })).toEqual({ ok: false, permanent: false, error: 'sender_thread_failed' });
    const after = await sender.send('chat', { text: 'after' });
    expect(errorOf(after)).toMatch(/^L chat after thread /);
    expect(threadOf(after)).not.toBe(threadOf(first));
  });

  it('reports what the sender threw as a retryable failure', async () => {
    sender = new ThreadedSender(spec);
    expect(await sender.send('chat', { text: 'throw' })).toEqual({ ok: false, permanent: false, error: 'the platform library threw' });
  });

  it('starts again after being stopped', async () => {
    sender = new ThreadedSender(spec);
    const before = await sender.send('chat', { text: 'x' });
    await sender.stopThread();
    const after = await sender.send('chat', { text: 'y' });
    expect(errorOf(after)).toMatch(/^L chat y thread /);
    expect(threadOf(after)).not.toBe(threadOf(before));
  });

  it('answers a send asked for while the thread stops from a new thread, and only the stopped thread\'s sends fail', async () => {
    sender = new ThreadedSender(spec);
    const before = await sender.send('chat', { text: 'x' });
    const held = sender.send('chat', { text: 'held' });
    const stopping = sender.stopThread();
    const after = sender.send('chat', { text: 'after' });
    await stopping;
    expect(await held).toEqual({ ok: false, permanent: false, error: 'sender_thread_failed' });
    expect(errorOf(await after)).toMatch(/^L chat after thread /);
    expect(threadOf(await after)).not.toBe(threadOf(before));
  });

  it('stops all the way in a process with nothing else to do', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
        import { ThreadedSender } from ${JSON.stringify(path.resolve('outbox/sender-thread.ts'))};
        const sender = new ThreadedSender(${JSON.stringify(spec)});
        await sender.send('chat', { text: 'x' });
        await sender.stopThread();
        console.log('stopped');
        `,
      ],
      { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
    );
    expect({ status: run.status, said: run.stdout.trim() }).toEqual({ status: 0, said: 'stopped' });
  }, 60_000);
});
