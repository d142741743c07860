/**
 * The embedded engine checks each written document with the schema on plain objects
 * (store/document-checker.ts) instead of building a mongoose document: it must make of a
 * document exactly what a mongoose document would, and refuse what mongoose refuses.
 */
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { ALL_MODELS } from '../../models/all-models.js';
import { CaseModel, ConversationModel, MessageModel, SettingsModel, StaffModel, type ModelDef } from '../../models/index.js';
import { DocumentChecker } from '../../store/document-checker.js';

const local = new mongoose.Mongoose();
const T = new Date(Date.UTC(2026, 0, 2));

/** What mongoose makes of a document, or the paths it refuses. */
async function byMongoose(def: ModelDef<any>, doc: Record<string, unknown>) {
  const Model = local.models[def.name] ?? local.model(def.name, def.schema);
  const m = new Model(doc);
  try {
    await m.validate();
  } catch (err) {
    return { refused: [...new Set(Object.keys((err as mongoose.Error.ValidationError).errors).map((p) => p.split('.')[0]))].sort() };
  }
  return m.toObject({ versionKey: false, depopulate: true });
}

function byChecker(def: ModelDef<any>, doc: Record<string, unknown>) {
  try {
    return DocumentChecker.compile(def.schema)!.check(doc);
  } catch (err) {
    return { refused: [(err as Error).message.split(':')[0]!.split('.')[0]] };
  }
}

const samples: [string, ModelDef<any>, Record<string, unknown>][] = [
  ['a child message with a file, unknown fields dropped', MessageModel, { _id: 'm1', seq: 7, caseId: 'c', author: 'child', text: 'Em sợ', attachments: [{ kind: 'photo', ref: 'r', junk: 1 }], junk: 2, createdAt: T, updatedAt: T }],
  ['a case with an area, cast from strings', CaseModel, { _id: 'c1', code: 'HTX-22222-33333', kind: 'report', channel: 'web', contactId: 'k', dangerNow: 'true', ladderSeq: '3', area: { province: 'Hà Nội' }, createdAt: T.toISOString(), updatedAt: T }],
  ['settings with trimmed holiday names', SettingsModel, { _id: 'settings', holidays: { daysOff: [{ date: '2026-01-01', name: '  Tết dương lịch ' }] }, createdAt: T, updatedAt: T }],
  ['a staff member', StaffModel, { _id: 's1', email: 'Lan@Example.vn', name: 'Lan', role: 'counsellor', passwordHash: 'h', expertise: ['law'], createdAt: T, updatedAt: T }],
  ['a conversation with a free-form draft', ConversationModel, { _id: 'v1', contactId: 'k', draft: { kind: 'report', story: ['a'] }, createdAt: T, updatedAt: T }],
  ['a message by an unknown author', MessageModel, { _id: 'm2', seq: 1, caseId: 'c', author: 'nobody', createdAt: T, updatedAt: T }],
  ['a case code of the wrong shape', CaseModel, { _id: 'c2', code: 'HTX-1', kind: 'report', channel: 'web', contactId: 'k', createdAt: T, updatedAt: T }],
  ['a message with an empty required text field', MessageModel, { _id: 'm3', seq: 1, caseId: '', author: 'child', createdAt: T, updatedAt: T }],
  ['a message with a missing required field', MessageModel, { _id: 'm4', seq: 1, author: 'child', createdAt: T, updatedAt: T }],
  ['a message whose author is null', MessageModel, { _id: 'm5', seq: 1, caseId: 'c', author: null, createdAt: T, updatedAt: T }],
  ['a case whose status is not on the list', CaseModel, { _id: 'c3', code: 'HTX-22222-33333', kind: 'report', channel: 'web', contactId: 'k', status: 'lost', createdAt: T, updatedAt: T }],
  ['a case whose kind is a number', CaseModel, { _id: 'c4', code: 'HTX-22222-33333', kind: 7, channel: 'web', contactId: 'k', createdAt: T, updatedAt: T }],
  ['a staff member with an expertise not on the list', StaffModel, { _id: 's2', email: 'a@b.vn', name: 'A', role: 'counsellor', passwordHash: 'h', expertise: ['magic'], createdAt: T, updatedAt: T }],
];

// Each sample also goes through the checker's quick pass for a plain required and an enum
// (document-checker.ts quickPass): what it lets through, and what it leaves to mongoose to refuse.
describe('the document checker', () => {
  it('handles every collection of the application without falling back to a mongoose document', () => {
    expect(ALL_MODELS.filter((def) => !DocumentChecker.compile(def.schema)).map((def) => def.name)).toEqual([]);
  });

  it.each(samples)('makes of %s what a mongoose document makes of it', async (_what, def, doc) => {
    const expected = await byMongoose(def, doc);
    const actual = byChecker(def, doc);
    expect(actual).toEqual(expected);
  });
});
