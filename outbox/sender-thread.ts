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

/** What a send reports when the thread died under it: the message may or may not have left, so it is retried. */
const THREAD_FAILED: DeliveryResult = { ok: false, permanent: false, error: 'sender_thread_failed' };

// A script, not a module file: the build has nothing to copy, and under the tests (TypeScript
// sources) the sender's module is loaded through tsx, which the compiled service never needs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { moduleUrl, exportName, options, parentUrl } = workerData;
  const mod = moduleUrl.endsWith('.ts') ? await (await import('tsx/esm/api')).tsImport(moduleUrl, parentUrl) : await import(moduleUrl);
  const sender = new mod[exportName](options);
  parentPort.on('message', async ({ id, address, message }) => {
    let result;
    try {
      result = await sender.send(address, message);
    } catch (err) {
      result = { ok: false, permanent: false, error: err instanceof Error ? err.message : 'send_failed' };
    }
    parentPort.postMessage({ id, result });
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
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, (result: DeliveryResult) => void>();
  private lastId = 0;

  constructor(
    private readonly spec: ThreadedSenderSpec,
    private readonly onStopped: (err: unknown) => void = () => undefined,
  ) {
    this.channel = spec.channel;
  }

  send(address: string, message: OutboundMessage): Promise<DeliveryResult> {
    const worker = this.worker ?? this.start();
    const id = ++this.lastId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      // Held while a send is under way (a process with nothing else to do waits for it), let go when none is.
      worker.ref();
      worker.postMessage({ id, address, message });
    });
  }

  /** Ends the thread (after the outbox has stopped delivering); a send still held reports a retryable failure. */
  async stopThread(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    // Held while it ends: an unreferenced thread would let an idle process exit under this wait.
    worker?.ref();
    await worker?.terminate();
    this.failWaiting();
  }

  private start(): Worker {
    const { moduleUrl, exportName, options } = this.spec;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, exportName, options, parentUrl: import.meta.url } });
    worker.on('message', ({ id, result }: { id: number; result: DeliveryResult }) => {
      const resolve = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      resolve?.(result);
    });
    const ended = () => {
      if (this.worker === worker) this.worker = null;
      this.failWaiting();
    };
    worker.on('error', (err) => {
      this.onStopped(err);
      ended();
    });
    worker.on('exit', ended);
    // Idle, never what keeps the process alive: stopping the app closes it.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failWaiting() {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve(THREAD_FAILED);
  }
}
