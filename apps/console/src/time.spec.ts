import { formatTime } from './time';

describe('formatTime', () => {
  it('shows an instant as Date#toLocaleString does, with one formatter for every call', () => {
    for (const at of ['2026-12-02T10:00:05Z', '2026-02-28T23:59:59.999Z', '1999-12-31T16:00:00+08:00']) expect(formatTime(at)).toBe(new Date(at).toLocaleString());
  });
});
