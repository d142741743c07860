import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../app/errors.js';
import { CaseModel } from '../../models/index.js';
import type { Breakdown, NamedFigure } from '../../reports/report-figures.js';
import type { IncidentsReport, OpinionsReport, TrendsReport } from '../../reports/reports.service.js';
import { shown } from '../../reports/suppression.js';
import { enginesUnderTest } from '../helpers/engines.js';
import { DB, LC, people, reportWorld, vn } from './report-fixtures.js';

const Q3 = { period: 'quarter', year: 2026, quarter: 3 } as const;
const NOW = vn('2026-10-05T09:00:00');

/** A breakdown as the report prints it: key → "12" | "<5" | "*", and its total. */
const printed = (b: Breakdown | undefined) => ({ ...Object.fromEntries(b!.rows.map((r) => [r.key, shown(r.figure)])), total: shown(b!.total) });
const named = (list: NamedFigure[]) => Object.fromEntries(list.map((f) => [f.key, shown(f.figure)]));
const dim = (r: { breakdowns: Breakdown[] }, d: string) => r.breakdowns.find((b) => b.dimension === d);

for (const engine of enginesUnderTest()) {
  describe(`report figures on the ${engine.name} engine`, () => {
    let w: Awaited<ReturnType<typeof reportWorld>>;
    beforeEach(async () => {
      w = await reportWorld(await engine.open());
    });
    afterEach(async () => {
      await w.store.close();
    });

    describe('the quarterly opinions report', () => {
      beforeEach(async () => {
        // Điện Biên, Q3 2026: 16 opinions, hand-counted below.
        const school = await w.addMany(7, (i) => ({ topic: 'school_play', gender: i < 4 ? 'girl' : 'boy', channel: i < 6 ? 'telegram' : 'web', reporterRole: 'child', commune: 'Mường Phăng' }));
        await w.addMany(6, (i) => ({ topic: 'dignity', gender: 'girl', channel: i < 4 ? 'telegram' : 'web', reporterRole: i < 5 ? 'child' : 'parent', commune: 'Mường Phăng' }));
        await w.addMany(3, (i) => ({ topic: 'online_safety', gender: i < 2 ? 'boy' : null, channel: i < 2 ? 'web' : 'zalo', reporterRole: 'child', commune: 'Thanh Nưa' }));
        // Follow-up: 12 answered (3 of them late), 5 forwarded to an agency (2 answered, 1 late).
        const all = await w.store.collection(CaseModel).find({}, { sort: { createdAt: 1, _id: 1 } });
        for (const [i, c] of all.entries()) {
          if (i >= 12) continue;
          const late = i < 3;
          await w.store.collection(CaseModel).findOneAndUpdate(
            { _id: c._id },
            { $set: { firstResponseAt: new Date(c.firstResponseDueAt!.getTime() + (late ? 3_600_000 : -3_600_000)) } },
          );
        }
        for (const [i, c] of school.slice(0, 5).entries()) {
          const dueAt = vn('2026-08-15T00:00:00');
          await w.refer(c, 'agency', { dueAt, ...(i === 0 ? { answeredAt: vn('2026-08-01T00:00:00') } : i === 1 ? { answeredAt: vn('2026-08-20T00:00:00') } : {}) });
        }
        // Lai Châu: 2 opinions. Outside the quarter, by an hour either way of Vietnam's midnight: 1.
        await w.addMany(2, { topic: 'school_play', province: LC, gender: 'girl', channel: 'telegram' });
        await w.addCase({ topic: 'school_play', createdAt: vn('2026-06-30T23:30:00') });
        await w.addCase({ topic: 'school_play', createdAt: vn('2026-10-01T00:10:00') });
      });

      it('counts a coordinator\'s province only, by Vietnam\'s calendar, with small counts shown as "<5"', async () => {
        const r = (await w.reports.view(people.coordDB, 'opinions', Q3, NOW)) as OpinionsReport;
        expect(shown(r.total)).toBe('16');
        expect(printed(dim(r, 'topic'))).toEqual({
          participation: '<5', injury: '<5', school_play: '7', health_food: '<5', dignity: '6', parents: '<5',
          online_safety: '<5', abuse_violence: '<5', child_labour: '<5', other: '<5', total: '16',
        });
        expect(printed(dim(r, 'gender'))).toEqual({ girl: '10', boy: '5', other: '<5', unknown: '<5', total: '16' });
        // Two communes: with the total shown, the larger one would give the smaller away.
        expect(printed(dim(r, 'commune'))).toEqual({ 'Điện Biên — Mường Phăng': '*', 'Điện Biên — Thanh Nưa': '<5', total: '16' });
      });

      it('hides the next-smallest cell too when a single "<5" could be worked out from the total', async () => {
        const r = (await w.reports.view(people.coordDB, 'opinions', Q3, NOW)) as OpinionsReport;
        // telegram 10, web 5, zalo 1: 16 − 10 − 5 would give zalo away, so web is hidden as well.
        expect(printed(dim(r, 'channel'))).toEqual({ telegram: '10', web: '*', zalo: '<5', total: '16' });
        // child 15, parent 1, teacher 0, other 0: several cells hidden already, none can be worked out.
        expect(printed(dim(r, 'reporter_role'))).toEqual({ child: '15', parent: '<5', teacher: '<5', other: '<5', total: '16' });
      });

      it('counts the follow-up: answered, late, forwarded to an agency and its answers', async () => {
        const r = (await w.reports.view(people.coordDB, 'opinions', Q3, NOW)) as OpinionsReport;
        expect(named(r.followUp)).toEqual({
          answered: '12', answered_late: '<5', forwarded: '5', agency_answered: '<5', agency_answered_late: '<5', agency_overdue: '<5',
        });
        const exact = Object.fromEntries(r.followUp.map((f) => [f.key, f.figure.count]));
        expect(exact).toMatchObject({ answered_late: 3, agency_answered: 2, agency_answered_late: 1, agency_overdue: 3 });
      });

      it('gives admins every province, and a coordinator of a small province only "<5"', async () => {
        const all = (await w.reports.view(people.admin, 'opinions', Q3, NOW)) as OpinionsReport;
        expect(shown(all.total)).toBe('18');
        expect(printed(dim(all, 'province'))).toEqual({ [DB]: '*', [LC]: '<5', total: '18' });
        const lc = (await w.reports.view(people.coordLC, 'opinions', Q3, NOW)) as OpinionsReport;
        expect(shown(lc.total)).toBe('<5');
      });

      it('refuses a counsellor, and a coordinator asking for another province', async () => {
        await expect(w.reports.view(people.counsellor, 'opinions', Q3, NOW)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
        await expect(w.reports.view(people.coordDB, 'opinions', { ...Q3, province: LC }, NOW)).rejects.toBeInstanceOf(AppError);
      });
    });

    describe('the opinions quoted for the Children\'s Forum', () => {
      it('lists them by topic with phone numbers, e-mails, links, case codes and names removed', async () => {
        await w.addCase({ topic: 'dignity', createdAt: vn('2026-07-02T10:00:00'), text: 'Em muốn thầy Hùng không mắng bạn Lan trước lớp nữa. Em tên là Hoa.' });
        await w.addCase({ topic: 'online_safety', text: 'Có người nhắn 0912 345 678 và hoa.nguyen@gmail.com, xem https://fb.com/abc — mã của em HTX-7K3Q9-XPM4R' });
        await w.addCase({ topic: 'dignity', createdAt: vn('2026-08-02T10:00:00'), text: 'Cô giáo Mai và chú Ba ở xóm nói em vô dụng' });
        const r = (await w.reports.view(people.coordDB, 'opinions', Q3, NOW)) as OpinionsReport;
        expect(r.quotes.map((q) => q.topic)).toEqual(['dignity', 'online_safety']);
        const text = r.quotes.flatMap((q) => q.texts).join('\n');
        for (const gone of ['Hùng', 'Lan', 'Hoa', 'Mai', 'Ba ', '0912', '345 678', 'gmail', 'fb.com', 'HTX', '7K3Q9', ...w.codes]) expect(text).not.toContain(gone);
        expect(r.quotes[0]!.texts).toEqual([
          'Em muốn thầy […] không mắng bạn […] trước lớp nữa. Em tên là […].',
          'Cô giáo […] và chú […] ở xóm nói em vô dụng',
        ]);
      });
    });

    describe('the incidents report', () => {
      beforeEach(async () => {
        const monday = (h: number) => vn(`2026-07-06T${String(h).padStart(2, '0')}:00:00`);
        // Six answered, created on a Monday at 08:00 (1, 2, 3, 4, 10 hours) and one on a Saturday answered on Monday.
        const answered = [1, 2, 3, 4, 10];
        for (const [i, h] of answered.entries()) {
          await w.addCase({ kind: 'report', harmType: 'violence', priority: 'high', createdAt: monday(8), firstResponseDueAt: monday(20), firstResponseAt: monday(8 + h), status: i < 2 ? 'closed' : 'resolved' });
        }
        await w.addCase({ kind: 'report', harmType: 'violence', priority: 'urgent', createdAt: vn('2026-07-11T10:00:00'), firstResponseDueAt: vn('2026-07-11T11:00:00'), firstResponseAt: vn('2026-07-13T10:00:00'), status: 'referred' });
        // Unanswered: bullying 5 (one past its deadline by less than the time allowed, one beyond), sexual abuse 2.
        const bullying = await w.addMany(5, (i) => ({ kind: 'report', harmType: 'bullying', createdAt: vn('2026-09-30T08:00:00'), firstResponseDueAt: i === 0 ? vn('2026-09-30T20:00:00') : i === 1 ? vn('2026-10-05T08:30:00') : vn('2026-10-06T08:00:00') }));
        await w.addMany(2, { kind: 'report', harmType: 'sexual_abuse', status: 'referred', firstResponseAt: vn('2026-07-15T11:00:00') });
        await w.refer(bullying[0]!, 'police');
        await w.refer(bullying[0]!, 'social_work');
        await w.refer(bullying[1]!, 'social_work');
      });

      it('counts by harm type and priority, outcomes and where cases were referred', async () => {
        const r = (await w.reports.view(people.coordDB, 'incidents', Q3, NOW)) as IncidentsReport;
        expect(shown(r.total)).toBe('13');
        expect(printed(dim(r, 'harm_type'))).toMatchObject({ violence: '6', bullying: '5', sexual_abuse: '<5', total: '13' });
        expect(printed(dim(r, 'severity'))).toEqual({ danger_now: '<5', serious: '<5', concern: '<5', none: '13', total: '13' });
        expect(printed(dim(r, 'outcome'))).toEqual({ open: '5', referred: '<5', resolved: '<5', closed: '<5', total: '13' });
        expect(named(r.referredTo)).toEqual({ police: '<5', social_work: '<5', school: '<5', health: '<5', agency: '<5' });
      });

      it('gives the median and 90th percentile of the time to first response, in calendar and working hours', async () => {
        const r = (await w.reports.view(people.coordDB, 'incidents', Q3, NOW)) as IncidentsReport;
        // Answered: 1, 2, 3, 4, 10 h and 48 h (Saturday 10:00 → Monday 10:00: 10 working hours), and 2 × 1 h.
        expect(shown(r.responseTimes.answered)).toBe('8');
        expect(r.responseTimes.calendar).toEqual({ median: 2.5, p90: 48 });
        expect(r.responseTimes.working).toEqual({ median: 2.5, p90: 10 });
      });

      it('counts breaches per rung of the escalation ladder', async () => {
        const r = (await w.reports.view(people.coordDB, 'incidents', Q3, NOW)) as IncidentsReport;
        // The Saturday case (due in 1 h, answered 47 h late) and the bullying case due 30 Sept. 20:00 passed both rungs;
        // the one due on 5 October passed the first only (NOW is 5 October 09:00).
        expect(Object.fromEntries(r.breaches.map((b) => [b.key, b.figure.count]))).toEqual({ coordinators: 3, admins: 2 });
        expect(named(r.breaches)).toEqual({ coordinators: '<5', admins: '<5' });
      });
    });

    describe('trends', () => {
      it('counts each month of the year, hiding small cells and those that would give them away', async () => {
        await w.addMany(12, (i) => ({ kind: 'report', harmType: i < 6 ? 'violence' : 'bullying', createdAt: vn(`2026-0${i < 8 ? 3 : 4}-10T10:00:00`) }));
        const r = (await w.reports.view(people.coordDB, 'trends', { year: 2026 }, NOW)) as TrendsReport;
        const march = r.incidents.cells[2]!;
        const violence = r.incidents.colKeys.indexOf('violence');
        const bullying = r.incidents.colKeys.indexOf('bullying');
        expect(shown(march[violence]!)).toBe('6');
        expect(shown(march[bullying]!)).toBe('<5');
        expect(shown(r.incidents.rowTotals[2]!)).toBe('8');
        expect(shown(r.incidents.rowTotals[3]!)).toBe('<5');
        expect(shown(r.incidents.colTotals[bullying]!)).toBe('6');
        expect(shown(r.incidents.total)).toBe('12');
      });
    });
  });
}
