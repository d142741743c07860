import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lease } from '../../coordination/lease.js';
import { runWhileLeased, type LeasedTask } from '../../coordination/leased-task.js';
import { RateLimiter } from '../../coordination/rate-limiter.js';
import { nextInSequence } from '../../coordination/sequence.js';
import type { Store } from '../../store/index.js';
import { enginesUnderTest } from '../helpers/engines.js';
import { waitUntil } from '../fakes/fake-bot-api.js';

const silent = { info() {}, warn() {}, error() {} };

for (const engine of enginesUnderTest()) {
  describe(`coordination in the store on the ${engine.name} engine`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await engine.open();
    });
    afterAll(async () => {
      await store.close();
    });

    describe('RateLimiter', () => {
      it('allows hits up to the limit and refuses the next, counting concurrent hits exactly', async () => {
        const limiter = new RateLimiter(store, { name: 'test-burst', limit: 5, windowMs: 60_000 });
        const states = await Promise.all(Array.from({ length: 8 }, () => limiter.hit('k1')));
        expect(states.map((s) => s.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(states.filter((s) => s.allowed)).toHaveLength(5);
        expect((await limiter.peek('k1')).remaining).toBe(0);
      });

      it('shares counts between two limiters of the same name (two instances) and keeps keys and names apart', async () => {
        const a = new RateLimiter(store, { name: 'test-shared', limit: 3, windowMs: 60_000 });
        const b = new RateLimiter(store, { name: 'test-shared', limit: 3, windowMs: 60_000 });
        const other = new RateLimiter(store, { name: 'test-other', limit: 3, windowMs: 60_000 });
        await a.hit('k');
        await b.hit('k');
        await a.hit('k');
        expect((await b.hit('k')).allowed).toBe(false);
        expect((await a.hit('someone-else')).allowed).toBe(true);
        expect((await other.hit('k')).count).toBe(1);
      });

      it('starts counting again in the next window, and undo and reset take hits back', async () => {
        let now = 1_000_000_000_000;
        const limiter = new RateLimiter(store, { name: 'test-window', limit: 2, windowMs: 1000 }, () => now);
        await limiter.hit('k');
        await limiter.hit('k');
        expect((await limiter.hit('k')).allowed).toBe(false);
        now += 1000;
        const fresh = await limiter.hit('k');
        expect(fresh).toMatchObject({ count: 1, allowed: true, resetAt: new Date(now + 1000) });
        await limiter.undo('k');
        expect((await limiter.peek('k')).count).toBe(0);
        await limiter.undo('k');
        expect((await limiter.peek('k')).count).toBe(0);
        await limiter.hit('k');
        await limiter.reset('k');
        expect((await limiter.peek('k')).count).toBe(0);
      });
    });

    describe('Lease', () => {
      it('has one holder at a time among many trying at once', async () => {
        const leases = Array.from({ length: 5 }, () => new Lease(store, 'test-one-holder', { ttlMs: 60_000 }));
        const won = await Promise.all(leases.map((l) => l.acquire()));
        expect(won.filter(Boolean)).toHaveLength(1);
        const holder = leases[won.indexOf(true)]!;
        expect(await holder.currentHolder()).toBe(holder.holder);
        expect(await holder.acquire()).toBe(true);
        expect(await holder.renew()).toBe(true);
      });

      it('is taken over once the holder stops renewing it, and the old holder learns it lost it', async () => {
        let now = 2_000_000_000_000;
        const first = new Lease(store, 'test-takeover', { ttlMs: 1000, now: () => now });
        const second = new Lease(store, 'test-takeover', { ttlMs: 1000, now: () => now });
        expect(await first.acquire()).toBe(true);
        now += 999;
        expect(await second.acquire()).toBe(false);
        now += 1;
        expect(await second.acquire()).toBe(true);
        expect(await first.renew()).toBe(false);
        expect(await first.acquire()).toBe(false);
      });

      it('is free at once after release', async () => {
        const first = new Lease(store, 'test-release', { ttlMs: 60_000 });
        const second = new Lease(store, 'test-release', { ttlMs: 60_000 });
        expect(await first.acquire()).toBe(true);
        await second.release(); // not the holder: changes nothing
        expect(await second.acquire()).toBe(false);
        await first.release();
        expect(await second.acquire()).toBe(true);
      });

      it('runs a leased task in one runner only, and in the other once the first stops', async () => {
        const running = new Set<string>();
        const task = (who: string) => async (): Promise<LeasedTask> => {
          running.add(who);
          return { stop: async () => void running.delete(who) };
        };
        const a = runWhileLeased(new Lease(store, 'test-runner', { ttlMs: 300 }), task('a'), { logger: silent });
        await waitUntil(() => running.size === 1, 5000, () => 'one runner to start');
        const bLease = new Lease(store, 'test-runner', { ttlMs: 300 });
        let bTries = 0;
        const acquire = bLease.acquire.bind(bLease);
        bLease.acquire = () => (bTries++, acquire());
        const b = runWhileLeased(bLease, task('b'), { logger: silent });
        // The second tries for longer than the lease lives, while the first renews it: only the first runs.
        await waitUntil(() => bTries >= 4, 5000, () => 'the second runner to try several times');
        expect([...running]).toEqual(['a']);
        await a.stop();
        await waitUntil(() => running.has('b'), 5000, () => 'the second runner to take over');
        expect(running.size).toBe(1);
        await a.stop();
        await b.stop();
        expect(running.size).toBe(0);
      });
    });

    describe('nextInSequence', () => {
      it('gives every number once, growing, to draws made at once', async () => {
        const drawn = await Promise.all(Array.from({ length: 10 }, () => nextInSequence(store, 'test-seq')));
        expect([...drawn].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(await nextInSequence(store, 'test-seq')).toBe(11);
        expect(await nextInSequence(store, 'test-seq-other')).toBe(1);
      });
    });
  });
}
