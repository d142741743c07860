import type { DataCipher } from '../../../app/crypto.js';
import type { Store } from '../../../store/index.js';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../channel.js';
import { WebTranscriptModel } from '../../../models/index.js';
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
    await appendToTranscript(this.store, {
      sessionKey: webSessionKey(this.cipher, sessionToken),
      from: 'bot',
      payload: { text: message.text, options: message.options ?? [] },
    });
    return { ok: true };
  }

  async forgetChat(sessionKey: string): Promise<void> {
    await this.store.collection(WebTranscriptModel).deleteMany({ sessionKey });
  }
}

/** The pseudonym a web session's transcript and contact are stored under. */
export const webSessionKey = (cipher: DataCipher, token: string) => cipher.pseudonym('web', token);
