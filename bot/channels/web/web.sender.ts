import type { DataCipher } from '../../../app/crypto.js';
import type { Store } from '../../../store/index.js';
import { isRetiredWebSession } from './web.sessions.js';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../channel.js';
import { retireWebSession } from './web.sessions.js';
import { appendToTranscript } from './web.transcript.js';

/**
 * The web chat's "platform": a reply is delivered by adding it to the session's transcript,
 * which the page reads. The chat id is the browser session's token; the transcript is keyed
 * by its pseudonym.
 */
export class WebChatSender implements ChannelSender {
  readonly channel = 'web' as const;

  constructor(
    private readonly store: Store,
    private readonly cipher: DataCipher,
  ) {}

  async send(sessionToken: string, message: OutboundMessage): Promise<DeliveryResult> {
    const sessionKey = webSessionKey(this.cipher, sessionToken);
    // An ended session shows nothing more: a counsellor's answer is read with the case code.
    if (await isRetiredWebSession(this.store, sessionKey)) return { ok: false, permanent: true, error: 'session_ended' };
    await appendToTranscript(this.store, {
      sessionKey,
      from: 'bot',
      payload: { text: message.text, options: message.options ?? [], ...(message.layout ? { layout: message.layout } : {}) },
    });
    return { ok: true };
  }

  /** The session is retired (its token refused from now on) and its transcript wiped. */
  async forgetChat(sessionKey: string): Promise<void> {
    await retireWebSession(this.store, sessionKey);
  }
}

/** The pseudonym a web session's transcript and contact are stored under. */
export const webSessionKey = (cipher: DataCipher, token: string) => cipher.pseudonym('web', token);
