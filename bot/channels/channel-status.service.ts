import { ChannelHealthModel, InboundUpdateModel, OutboxModel, type Channel } from '../../models/index.js';
import type { Store } from '../../store/index.js';

/**
 * How a channel is set up in this deployment, as the composition root knows it: receiving by
 * webhook, by polling, through its own page (the web chat), or off (with the variables that
 * turn it on).
 */
export interface ChannelSetup {
  channel: Channel;
  mode: 'webhook' | 'polling' | 'page' | 'off';
  /** The webhook URL or the page's address, when there is one. */
  address?: string | undefined;
  /** For `off`: the environment variables that turn it on. */
  enableWith?: string | undefined;
}

/** A channel's real state, for the settings page. */
export interface ChannelStatus extends ChannelSetup {
  /** When the last update from a child arrived (any instance). */
  lastUpdateAt: Date | null;
  /** The latest send the platform failed or refused, with its error (no text, no chat id). */
  lastDeliveryError: { at: Date; error: string } | null;
  /** A problem receiving (polling refused, the token rejected), until it works again. */
  problem: { at: Date; error: string } | null;
}

/**
 * Reports each channel's state from the store, so every instance sees the same: the last
 * update received, the last delivery error, and what the adapters reported with
 * {@link ChannelStatusService.reportProblem}.
 */
export class ChannelStatusService {
  constructor(
    private readonly store: Store,
    private readonly setups: readonly ChannelSetup[],
  ) {}

  async list(): Promise<ChannelStatus[]> {
    return Promise.all(this.setups.map((setup) => this.statusOf(setup)));
  }

  private async statusOf(setup: ChannelSetup): Promise<ChannelStatus> {
    const [update, failed, health] = await Promise.all([
      this.store.collection(InboundUpdateModel).findOne({ channel: setup.channel }, { sort: { createdAt: -1 } }),
      this.store.collection(OutboxModel).findOne({ channel: setup.channel, lastError: { $ne: null } }, { sort: { updatedAt: -1 } }),
      this.store.collection(ChannelHealthModel).findOne({ _id: setup.channel }),
    ]);
    return {
      ...setup,
      lastUpdateAt: update?.createdAt ?? null,
      lastDeliveryError: failed?.lastError ? { at: failed.updatedAt, error: failed.lastError } : null,
      problem: health?.problem && health.problemAt ? { at: health.problemAt, error: health.problem } : null,
    };
  }

  /** An adapter could not reach its platform (`error` names the failure, never a token or text). */
  async reportProblem(channel: Channel, error: string): Promise<void> {
    await this.store.collection(ChannelHealthModel).findOneAndUpdate(
      { _id: channel },
      { $set: { problem: error.slice(0, 200), problemAt: new Date() } },
      { upsert: true },
    );
  }

  /** The adapter reached its platform again: the problem is cleared. */
  async reportOk(channel: Channel): Promise<void> {
    await this.store.collection(ChannelHealthModel).findOneAndUpdate({ _id: channel }, { $set: { problem: null, okAt: new Date() } }, { upsert: true });
  }
}
