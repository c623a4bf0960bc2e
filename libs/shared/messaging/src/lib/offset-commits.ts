/** A consumer group's position in one partition: the offset of the next message to read. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * When a Kafka consumer commits its positions. KafkaJS, with `autoCommit`, commits after every
 * batch whatever `autoCommitInterval` says: at half load, where most batches hold one event,
 * that was ~4.7 OffsetCommit requests per order across the groups — more than the produce and
 * fetch requests together (each a write to `__consumer_offsets` on the broker; issue 19). The
 * transport commits instead at most once per interval while batches come, and once more when
 * they stop (so a group's lag still reaches 0), and at once when the consumer stops.
 *
 * Committing later loses nothing: a message is applied in its inbox transaction before its
 * position is noted here, and a position not yet committed when a consumer dies is read again
 * by its successor, where the inbox recognises it (at-least-once, as before).
 */
export class OffsetCommits {
  private readonly noted = new Map<string, PartitionPosition>();
  private readonly committed = new Map<string, string>();
  private lastCommitAt: number;

  constructor(
    /** How long after a commit the next one may be sent while events are applied. */
    readonly intervalMs: number,
    now: number,
  ) {
    this.lastCommitAt = now;
  }

  /** `lastOffset` of `topic`/`partition` was applied: the group's position there is the one after it. */
  applied(topic: string, partition: number, lastOffset: string): void {
    this.noted.set(`${topic}\u0000${partition}`, { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() });
  }

  /** Positions applied but not yet committed. */
  uncommitted(): PartitionPosition[] {
    return [...this.noted].filter(([key, position]) => this.committed.get(key) !== position.offset).map(([, position]) => position);
  }

  /** Something to commit, and the interval since the last commit has passed. */
  due(now: number): boolean {
    return now - this.lastCommitAt >= this.intervalMs && this.uncommitted().length > 0;
  }

  /** `positions` were committed (or nothing was due) at `now`. */
  committedAt(positions: readonly PartitionPosition[], now: number): void {
    for (const position of positions) this.committed.set(`${position.topic}\u0000${position.partition}`, position.offset);
    this.lastCommitAt = now;
  }

  /**
   * The group was (re)joined with `assignment` (topic → partitions). Positions noted for
   * partitions the consumer no longer holds are dropped: another member reads them now, and a
   * late commit of ours could move the group's position there back.
   */
  assigned(assignment: Readonly<Record<string, readonly number[]>>): void {
    for (const [key, position] of this.noted) {
      if (!(assignment[position.topic] ?? []).includes(position.partition)) {
        this.noted.delete(key);
        this.committed.delete(key);
      }
    }
  }
}

/** KafkaJS's `{ topics: [{ topic, partitions: [{ partition, offset }] }] }` form of positions. */
export function byTopic(positions: readonly PartitionPosition[]): { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> } {
  const topics = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const { topic, partition, offset } of positions) {
    const partitions = topics.get(topic) ?? [];
    partitions.push({ partition, offset });
    topics.set(topic, partitions);
  }
  return { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
}
