import { byTopic, OffsetCommits } from './offset-commits';

describe('OffsetCommits', () => {
  it('notes the position after the last applied offset, per partition', () => {
    const commits = new OffsetCommits(1_000, 0);
    commits.applied('orders.v1', 0, '41');
    commits.applied('orders.v1', 0, '42');
    commits.applied('credit.v1', 2, '9007199254740993');
    expect(commits.uncommitted()).toEqual([
      { topic: 'orders.v1', partition: 0, offset: '43' },
      // Kafka offsets are 64-bit: no Number rounding.
      { topic: 'credit.v1', partition: 2, offset: '9007199254740994' },
    ]);
  });

  it('is due once the interval has passed and something is uncommitted, not before', () => {
    const commits = new OffsetCommits(1_000, 0);
    expect(commits.due(5_000)).toBe(false);
    commits.applied('orders.v1', 1, '7');
    expect(commits.due(999)).toBe(false);
    expect(commits.due(1_000)).toBe(true);
    commits.committedAt(commits.uncommitted(), 1_000);
    expect(commits.uncommitted()).toEqual([]);
    expect(commits.due(3_000)).toBe(false);
    commits.applied('orders.v1', 1, '8');
    expect(commits.due(1_500)).toBe(false);
    expect(commits.due(2_000)).toBe(true);
    expect(commits.uncommitted()).toEqual([{ topic: 'orders.v1', partition: 1, offset: '9' }]);
  });

  it('keeps a position applied while a commit was in flight for the next commit', () => {
    const commits = new OffsetCommits(1_000, 0);
    commits.applied('orders.v1', 0, '1');
    const sent = commits.uncommitted();
    commits.applied('orders.v1', 0, '2');
    commits.committedAt(sent, 1_000);
    expect(commits.uncommitted()).toEqual([{ topic: 'orders.v1', partition: 0, offset: '3' }]);
  });

  it('drops the positions of partitions a rebalance took away, so a late commit cannot move them back', () => {
    const commits = new OffsetCommits(1_000, 0);
    commits.applied('orders.v1', 0, '10');
    commits.applied('orders.v1', 1, '20');
    commits.applied('credit.v1', 0, '30');
    commits.assigned({ 'orders.v1': [1, 2] });
    expect(commits.uncommitted()).toEqual([{ topic: 'orders.v1', partition: 1, offset: '21' }]);
  });

  it('groups positions by topic the way KafkaJS commits them', () => {
    expect(
      byTopic([
        { topic: 'a', partition: 0, offset: '1' },
        { topic: 'b', partition: 1, offset: '2' },
        { topic: 'a', partition: 2, offset: '3' },
      ]),
    ).toEqual({
      topics: [
        { topic: 'a', partitions: [{ partition: 0, offset: '1' }, { partition: 2, offset: '3' }] },
        { topic: 'b', partitions: [{ partition: 1, offset: '2' }] },
      ],
    });
  });
});
