import { Worker } from 'node:worker_threads';
import type { DeliveryResult, OutboundMessage } from '../bot/channels/channel.js';
import type { OutboxChannel } from '../models/outbox.model.js';
import type { OutboxSender } from './outbox.service.js';

/** Which sender a thread runs: a module's exported class, built there with plain-data options. */
export interface ThreadedSenderSpec {
  channel: OutboxChannel;
  /** The module's URL (`new URL('./x.sender.js', import.meta.url).href` in the module itself). */
  moduleUrl: string;
  exportName: string;
  /** Passed to the class's constructor: plain data only (they are copied to the thread). */
  options: Record<string, unknown>;
}

/** One send as the thread gets it. */
type SendRequest = { id: number; address: string; message: OutboundMessage };

/** What a send reports when the thread died under it: the message may or may not have left, so it is retried. */
const THREAD_FAILED: DeliveryResult = { ok: false, permanent: false, error: 'sender_thread_failed' };

// A script, not a module file: the build has nothing to copy, and under the tests (TypeScript
// sources) the sender's module is loaded through tsx, which the compiled service never needs.
// Sends come in batches (one message per turn of the event loop), and results go back the same way.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { moduleUrl, exportName, options, parentUrl } = workerData;
  const mod = moduleUrl.endsWith('.ts') ? await (await import('tsx/esm/api')).tsImport(moduleUrl, parentUrl) : await import(moduleUrl);
  const sender = new mod[exportName](options);
  let results = [];
  const report = (id, result) => {
    if (results.push({ id, result }) === 1) process.nextTick(() => { parentPort.postMessage(results); results = []; });
  };
  parentPort.on('message', (batch) => {
    for (const { id, address, message } of batch) {
      Promise.resolve()
        .then(() => sender.send(address, message))
        .catch((err) => ({ ok: false, permanent: false, error: err instanceof Error ? err.message : 'send_failed' }))
        .then((result) => report(id, result));
    }
  });
})();
`;

/**
 * A chat platform's sender run on a thread of its own. The platform's HTTP — building each
 * request, writing it, reading and parsing the answer — then never runs on the thread that
 * takes the children's messages: on a busy instance that was a sixth of that thread's time.
 * Messages still leave in the outbox's order (each lane awaits its send before the next), and
 * the outbox keeps every decision (claims, retries, settling) on the main thread.
 *
 * The thread starts with the first send. Should it die, the sends it held report a retryable
 * failure (the outbox sends them again: at least once, as after a crash) and the next send
 * starts a new thread.
 */
export class ThreadedSender implements OutboxSender {
  readonly channel: OutboxChannel;
  private thread: SenderThread | null = null;
  private lastId = 0;

  constructor(
    private readonly spec: ThreadedSenderSpec,
    private readonly onStopped: (err: unknown) => void = () => undefined,
  ) {
    this.channel = spec.channel;
  }

  send(address: string, message: OutboundMessage): Promise<DeliveryResult> {
    const thread = this.thread ?? this.start();
    const id = ++this.lastId;
    return new Promise((resolve) => thread.send({ id, address, message }, resolve));
  }

  /** Ends the thread (after the outbox has stopped delivering); a send still held reports a retryable failure. */
  async stopThread(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    await thread?.end();
  }

  private start(): SenderThread {
    const { moduleUrl, exportName, options } = this.spec;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, exportName, options, parentUrl: import.meta.url } });
    const thread = new SenderThread(worker);
    const ended = () => {
      if (this.thread === thread) this.thread = null;
      thread.failWaiting();
    };
    worker.on('error', (err) => {
      this.onStopped(err);
      ended();
    });
    worker.on('exit', ended);
    this.thread = thread;
    return thread;
  }
}

/** One thread and the sends it holds: a send is only ever answered by the thread it was given to. */
class SenderThread {
  private readonly waiting = new Map<number, (result: DeliveryResult) => void>();
  /** Sends asked for until the promises settle down, posted to the thread together. */
  private outgoing: SendRequest[] = [];
  private ended = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (results: { id: number; result: DeliveryResult }[]) => {
      for (const { id, result } of results) {
        const resolve = this.waiting.get(id);
        this.waiting.delete(id);
        resolve?.(result);
      }
      if (this.waiting.size === 0) worker.unref();
    });
    // Idle, never what keeps the process alive: stopping the app closes it.
    worker.unref();
  }

  send(send: SendRequest, resolve: (result: DeliveryResult) => void): void {
    if (this.ended) return resolve(THREAD_FAILED);
    this.waiting.set(send.id, resolve);
    // Held while a send is under way (a process with nothing else to do waits for it), let go when none is.
    this.worker.ref();
    // One message to the thread for every send asked for until the promises settle down: a
    // message costs the same whether it carries one send or twenty.
    if (this.outgoing.push(send) === 1) process.nextTick(() => this.post());
  }

  private post(): void {
    const batch = this.outgoing;
    this.outgoing = [];
    if (!this.ended) this.worker.postMessage(batch);
  }

  /** Ends the thread; the sends it still held report a retryable failure. */
  async end(): Promise<void> {
    // Held while it ends: an unreferenced thread would let an idle process exit under this wait.
    this.worker.ref();
    await this.worker.terminate();
    this.failWaiting();
  }

  failWaiting(): void {
    this.ended = true;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve(THREAD_FAILED);
  }
}
