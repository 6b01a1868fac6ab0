import { partitionLags } from './consumer-group-lag';

describe('consumer group lag', () => {
  it('is the log end minus the committed offset, per partition', () => {
    expect(
      partitionLags(
        'junheng.events',
        [
          { partition: 1, high: '40', low: '0' },
          { partition: 0, high: '12', low: '0' },
        ],
        [
          { partition: 0, offset: '12' },
          { partition: 1, offset: '25' },
        ],
      ),
    ).toEqual([
      { topic: 'junheng.events', partition: 0, messages: 0 },
      { topic: 'junheng.events', partition: 1, messages: 15 },
    ]);
  });

  it('counts a partition the group never committed on from its log start', () => {
    expect(
      partitionLags(
        't',
        [
          { partition: 0, high: '9', low: '2' },
          { partition: 1, high: '5', low: '0' },
        ],
        [{ partition: 0, offset: '-1' }],
      ),
    ).toEqual([
      { topic: 't', partition: 0, messages: 7 },
      { topic: 't', partition: 1, messages: 5 },
    ]);
  });

  it('never reports a negative lag when a commit is newer than the offsets read beside it', () => {
    expect(
      partitionLags(
        't',
        [{ partition: 0, high: '10', low: '0' }],
        [{ partition: 0, offset: '11' }],
      ),
    ).toEqual([{ topic: 't', partition: 0, messages: 0 }]);
  });
});
