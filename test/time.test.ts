import { epochMsInZone } from '../nodes/omi/time';

describe('epochMsInZone: the date forms a person or an AI model writes', () => {
	const zone = 'Asia/Ho_Chi_Minh';
	const eightInHanoi = Date.UTC(2026, 2, 1, 1, 0, 0);

	it.each([
		['2026-03-01T08:00:00+07:00', eightInHanoi],
		['2026-03-01T01:00:00Z', eightInHanoi],
		['2026-03-01T08:00:00', eightInHanoi],
		['2026-03-01 08:00:00', eightInHanoi],
		['2026-03-01', Date.UTC(2026, 1, 28, 17, 0, 0)],
	])('%s', (text, expected) => {
		expect(epochMsInZone(text, zone)).toBe(expected);
	});

	it('is NaN for words', () => {
		expect(epochMsInZone('next Monday', zone)).toBeNaN();
	});
});
