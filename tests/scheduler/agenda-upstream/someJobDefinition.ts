// @ts-nocheck — vendored verbatim from agenda/agenda@f9437cc22660a7752125ad6a1d5c4f7c4f70a8ef,
// packages/agenda/test/fixtures/someJobDefinition.ts (MIT); only the import paths were changed (and two tests marked "htx:"). Upstream
// checks it under a looser tsconfig than ours; run by tests/scheduler/agenda-upstream.backend.test.ts.
import type { Agenda } from 'agenda';

export default (agenda: Agenda, _definitionOnly = false) => {
	agenda.define('some job', async job => {
		console.log('HELLO from a sub worker');
		if (job.attrs.data?.failIt === 'error') {
			throw new Error('intended error :-)');
		} else if (job.attrs.data?.failIt === 'die') {
			process.exit(2);
		}
	});
};
