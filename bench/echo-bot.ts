/**
 * The bench's baseline: a bare telegraf webhook bot that answers every message and button with
 * one message carrying a keyboard, through the Bot API at API_ROOT. Nothing stored, no logic.
 */
import http from 'node:http';
import { Markup, Telegraf } from 'telegraf';

const { PORT, HOST, BOT_TOKEN, API_ROOT, SECRET } = process.env;
const bot = new Telegraf(BOT_TOKEN!, { telegram: { apiRoot: API_ROOT!, webhookReply: false } });
const keyboard = Markup.inlineKeyboard([[Markup.button.callback('Tiếp', 'next')]]);
bot.on('message', (ctx) => ctx.reply('text' in ctx.message ? ctx.message.text : 'ok', keyboard));
bot.on('callback_query', (ctx) => ctx.reply('ok', keyboard));
const webhook = bot.webhookCallback('/webhooks/telegram', { secretToken: SECRET! });
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') return void res.end('ok');
  void webhook(req, res);
});
server.listen(Number(PORT), HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
