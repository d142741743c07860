import { encodeChoice, type Choice, type Command, type QuestionId } from '../../bot/conversation/choices.js';
import { FakeBotApi, type SentMessage } from '../../tests/fakes/fake-bot-api.js';

export const WEBHOOK_PATH = '/webhooks/telegram';
export const WEBHOOK_SECRET = 'htx_bench_webhook_secret_0123456789';
const TURN_TIMEOUT_MS = 60_000;

/** What a child does in one turn: types something, or presses a button (its callback data). */
export type Step = { say: string } | { press: string };

const press = (choice: Choice): Step => ({ press: encodeChoice(choice) });
const answer = (question: QuestionId, value: string) => press({ type: 'answer', question, value });
const command = (name: Command) => press({ type: 'command', command: name });

/**
 * A child reporting bullying at school, answering most questions, as the bot asks them; the
 * buttons are built with the bot's own choice protocol, so a change to it cannot leave the
 * bench pressing buttons that no longer exist (each conversation must end with a receipt: see
 * {@link TurnWatcher.receipts}).
 */
export const REPORT_CONVERSATION: readonly Step[] = [
  { say: '/start' },
  press({ type: 'menu', item: 'report' }),
  answer('danger', 'no'),
  answer('about', 'self'),
  answer('age', '11_13'),
  command('skip'),
  { say: 'Hà Nội' },
  command('skip'),
  answer('harm', 'bullying'),
  { say: 'Các bạn trong lớp trêu chọc và lấy đồ của em mỗi ngày, em không muốn đi học nữa.' },
  command('done'),
  command('skip'),
  answer('contact', 'chat'),
];

/** Where updates are posted: the app's webhook, or the echo bot's. */
export interface WebhookTarget {
  url: string;
  /** The server's CPU time so far, in ms (see `cpuMs` in processes.ts). */
  cpuMs(): number;
  /** The same for its main thread alone. */
  mainThreadCpuMs(): number;
}

/** The end of a turn as the child sees it: the bot's next message with buttons (every answer ends with one). */
export class TurnWatcher {
  private readonly waiting = new Map<string, (at: number) => void>();
  /** Messages that carried a case code (a receipt), for a sanity line. */
  receipts = 0;

  constructor(fake: FakeBotApi) {
    fake.onSent((m) => this.seen(m));
  }

  /** Resolves with the time (performance.now()) the turn's answer arrived. */
  next(chatId: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(String(chatId));
        reject(new Error(`no answer for chat ${chatId} within ${TURN_TIMEOUT_MS} ms`));
      }, TURN_TIMEOUT_MS);
      this.waiting.set(String(chatId), (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  private seen(m: SentMessage) {
    if (/HTX-[2-9A-Z]{5}-[2-9A-Z]{5}/.test(m.text)) this.receipts++;
    if (!m.reply_markup?.inline_keyboard?.length) return;
    const key = String(m.chat_id);
    const resolve = this.waiting.get(key);
    if (!resolve) return;
    this.waiting.delete(key);
    resolve(performance.now());
  }
}

/** Builds updates (never queued anywhere: the bench posts them) and times turns against a target. */
export class TelegramLoad {
  private readonly builder = new FakeBotApi();
  private nextChatId = 60_000_000;

  constructor(private readonly watcher: TurnWatcher) {}

  /** Receipts (messages with a case code) seen so far, on any target. */
  get receipts(): number {
    return this.watcher.receipts;
  }

  newChatId(): number {
    return this.nextChatId++;
  }

  /** One turn: posts the update and waits for the answer; resolves with update→reply in ms. */
  async turn(target: WebhookTarget, chatId: number, step: Step): Promise<number> {
    const update = 'say' in step ? this.builder.userSendsText(chatId, step.say) : this.builder.userPressesButton(chatId, step.press);
    const answered = this.watcher.next(chatId);
    const sentAt = performance.now();
    const res = await fetch(`${target.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
    return (await answered) - sentAt;
  }

  /**
   * `children` children at once, each going through `conversations` conversations, a turn as
   * soon as the previous one was answered. Turns per second over the whole run, and every
   * turn's update→reply time.
   */
  async closedLoop(target: WebhookTarget, children: number, conversations: number): Promise<LoadResult> {
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const cpuBefore = target.cpuMs();
    const mainBefore = target.mainThreadCpuMs();
    await Promise.all(
      Array.from({ length: children }, async () => {
        for (let c = 0; c < conversations; c++) {
          const chatId = this.newChatId();
          for (const step of REPORT_CONVERSATION) {
            try {
              latencies.push(await this.turn(target, chatId, step));
            } catch {
              failed++;
              break;
            }
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const perTurn = (ms: number) => ms / latencies.length;
    return { turnsPerSecond: latencies.length / seconds, latencies, failed, cpuMsPerTurn: perTurn(target.cpuMs() - cpuBefore), mainThreadCpuMsPerTurn: perTurn(target.mainThreadCpuMs() - mainBefore) };
  }

  /**
   * A steady arrival of `rate` messages per second for `seconds`, whatever the answers do (an
   * open loop): each message comes from a child not waiting for an answer, a new child when all are.
   */
  async steady(target: WebhookTarget, rate: number, seconds: number): Promise<LoadResult> {
    const latencies: number[] = [];
    let failed = 0;
    const idle: { chatId: number; step: number }[] = [];
    const running: Promise<void>[] = [];
    const started = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const child = idle.pop() ?? { chatId: this.newChatId(), step: 0 };
      running.push(
        this.turn(target, child.chatId, REPORT_CONVERSATION[child.step]!).then(
          (ms) => {
            latencies.push(ms);
            child.step = (child.step + 1) % REPORT_CONVERSATION.length;
            if (child.step !== 0) idle.push(child);
          },
          () => {
            failed++;
          },
        ),
      );
    }
    await Promise.all(running);
    return { turnsPerSecond: latencies.length / ((performance.now() - started) / 1000), latencies, failed, cpuMsPerTurn: Number.NaN, mainThreadCpuMsPerTurn: Number.NaN };
  }
}

export interface LoadResult {
  turnsPerSecond: number;
  /** The server's CPU time per answered turn (closed loops only), in ms: hardly moved by the machine's load. */
  cpuMsPerTurn: number;
  /** Of it, the main thread's (the event loop's): what bounds throughput once the server is busy. */
  mainThreadCpuMsPerTurn: number;
  latencies: number[];
  failed: number;
}
