import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramFiles } from '../../../../bot/channels/telegram/telegram.adapter.js';
import { FakeBotApi } from '../../../fakes/fake-bot-api.js';
import { tinyOgg } from '../../../fakes/media-files.js';

const CHAT = 51_234_567;

describe('TelegramFiles (downloads against the local fake Bot API)', () => {
  let api: FakeBotApi;
  let files: TelegramFiles;

  beforeAll(async () => {
    api = await new FakeBotApi().start();
    files = new TelegramFiles({ token: api.token, apiRoot: api.apiRoot });
  });
  afterAll(() => api?.stop());

  it('downloads a voice note by its file_id: getFile, then the file path', async () => {
    const update = api.userSendsVoice(CHAT);
    const fileId = (update.message as { voice: { file_id: string } }).voice.file_id;
    const got = await files.fetch(fileId, 1024 * 1024);
    expect(got.ok && got.bytes.equals(api.files.get(fileId)!.bytes)).toBe(true);
    expect(api.calls.filter((c) => c.method === 'getFile').at(-1)?.params).toMatchObject({ file_id: fileId });
    expect(api.downloads.at(-1)).toBe(api.files.get(fileId)!.path);
  });

  it('gives up at once on a file over the limit, without downloading it', async () => {
    api.keepFile('big-file', 'voice/big.oga', Buffer.concat([tinyOgg(), Buffer.alloc(4096)]));
    const downloads = api.downloads.length;
    expect(await files.fetch('big-file', 1024)).toEqual({ ok: false, permanent: true, error: 'file_too_large' });
    expect(api.downloads.length).toBe(downloads);
  });

  it('gives up at once when Telegram does not know the file', async () => {
    expect(await files.fetch('no-such-file', 1024)).toEqual({ ok: false, permanent: true, error: '400: Bad Request: invalid file_id' });
  });

  it('says a network failure is worth another try, without the token in the error', async () => {
    const unreachable = new TelegramFiles({ token: api.token, apiRoot: 'http://127.0.0.1:1' });
    const got = await unreachable.fetch('any', 1024);
    expect(got).toMatchObject({ ok: false, permanent: false });
    expect(JSON.stringify(got)).not.toContain(api.token);
  });
});
