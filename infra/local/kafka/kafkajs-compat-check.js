'use strict';
// kafkajs compatibility check against a broker on 127.0.0.1:${KAFKA_PORT:-9092}: topics with
// configs, keyed produce at acks=-1, consumer groups with a rebalance, committed offsets across
// a restart, and the admin calls. Run from the project root so it uses the project's kafkajs.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const BROKER = `127.0.0.1:${process.env.KAFKA_PORT || 9092}`;
const RUN = `${Date.now()}`;
const TOPIC = `compat-${RUN}`;
const GROUP = `compat-group-${RUN}`;
const N = 1000;
const results = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const kafka = new Kafka({
  clientId: 'compat-check',
  brokers: [BROKER],
  logLevel: process.env.KJS_LOG ? logLevel.INFO : logLevel.NOTHING,
  retry: { retries: 3, initialRetryTime: 200 },
});

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true, ms: Date.now() - t0, detail });
    console.log(`PASS ${name}${detail ? ' :: ' + detail : ''} (${Date.now() - t0}ms)`);
    return true;
  } catch (e) {
    const msg = `${e && e.name}: ${e && e.message}${e && e.type ? ' [type=' + e.type + ']' : ''}${e && e.cause ? ' cause=' + e.cause.message : ''}`;
    results.push({ name, ok: false, ms: Date.now() - t0, error: msg });
    console.log(`FAIL ${name} :: ${msg}`);
    if (process.env.KJS_STACK) console.log(e && e.stack);
    return false;
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timeout after ${ms}ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

async function main() {
  const admin = kafka.admin();
  await step('admin.connect', () => admin.connect());

  await step('admin.describeCluster', async () => {
    const c = await admin.describeCluster();
    return `brokers=${c.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',')} controller=${c.controller}`;
  });

  await step('admin.createTopics(3 partitions, retention.ms=-1)', async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: TOPIC,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        },
      ],
    });
    assert(created === true, `createTopics returned ${created}`);
  });

  await step('admin.listTopics', async () => {
    const t = await admin.listTopics();
    assert(t.includes(TOPIC), 'topic not listed');
    return `${t.length} topics`;
  });

  await step('admin.fetchTopicMetadata', async () => {
    const m = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    assert(m.topics[0].partitions.length === 3, 'partition count');
    return `partitions=${m.topics[0].partitions.length}`;
  });

  await step('admin.describeConfigs(topic retention.ms)', async () => {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: TOPIC, configNames: ['retention.ms'] }],
    });
    const v = r.resources[0].configEntries.find((e) => e.configName === 'retention.ms');
    assert(v && v.configValue === '-1', `retention.ms=${v && v.configValue}`);
    return `retention.ms=${v.configValue}`;
  });

  // --- produce ---------------------------------------------------------
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await step('producer.connect', () => producer.connect());
  await step(`producer.send ${N} msgs (keys+headers, acks=-1)`, async () => {
    for (let b = 0; b < N; b += 100) {
      const messages = [];
      for (let i = b; i < b + 100; i++) {
        messages.push({
          key: `agg-${i % 37}`,
          value: JSON.stringify({ i }),
          headers: { 'event-type': 'Test', seq: `${i}` },
        });
      }
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
  });
  await step('producer.send gzip batch', async () => {
    await producer.send({
      topic: TOPIC,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'agg-gz', value: 'gz', headers: { 'event-type': 'Gz' } }],
    });
  });
  const TOTAL = N + 1;

  await step('admin.fetchTopicOffsets', async () => {
    const o = await admin.fetchTopicOffsets(TOPIC);
    const sum = o.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
    assert(sum === TOTAL, `sum(high-low)=${sum}`);
    return o.map((p) => `p${p.partition}:${p.low}-${p.high}`).join(' ');
  });

  await step('admin.fetchTopicOffsetsByTimestamp', async () => {
    const o = await admin.fetchTopicOffsetsByTimestamp(TOPIC, Date.now() - 3600e3);
    return o.map((p) => `p${p.partition}:${p.offset}`).join(' ');
  });

  // --- consume with a group, rebalance mid-way ---------------------------
  const seen = new Map(); // seq -> count
  let headersOk = true;
  let keysOk = true;
  const joins = [];
  const mkConsumer = (name) => {
    const c = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 15000,
      maxWaitTimeInMs: 200,
    });
    c.on(c.events.GROUP_JOIN, (e) =>
      joins.push(
        `${name}:gen${e.payload.groupProtocol}/${e.payload.isLeader ? 'leader' : 'member'}:${JSON.stringify(e.payload.memberAssignment)}`,
      ),
    );
    return c;
  };
  const onBatch =
    (name) =>
    async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break;
        if (!m.key) keysOk = false;
        const seq =
          m.headers && m.headers.seq
            ? m.headers.seq.toString()
            : m.headers && m.headers['event-type']
              ? 'gz'
              : null;
        if (seq === null) headersOk = false;
        seen.set(seq, (seen.get(seq) || 0) + 1);
        resolveOffset(m.offset);
        await sleep(2); // slow enough that the second consumer joins mid-way
      }
      await heartbeat();
      await commitOffsetsIfNecessary();
    };

  const c1 = mkConsumer('c1');
  const c2 = mkConsumer('c2');
  let c2Started = false;
  await step('consumer c1 connect/subscribe/run(eachBatch)', async () => {
    await c1.connect();
    await c1.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c1.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatch: onBatch('c1'),
    });
  });
  await step('consume all with mid-way second consumer (rebalance)', async () => {
    await withTimeout(
      (async () => {
        while (seen.size < 300) await sleep(20);
      })(),
      45000,
      `c1 consumed ${seen.size}/300 before adding c2`,
    );
    const before = seen.size;
    await c2.connect();
    await c2.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c2.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatch: onBatch('c2'),
    });
    c2Started = true;
    await withTimeout(
      (async () => {
        while (seen.size < TOTAL) await sleep(50);
      })(),
      60000,
      `consumed ${seen.size}/${TOTAL}`,
    );
    const dup = [...seen.values()].reduce((s, c) => s + (c - 1), 0);
    assert(keysOk, 'missing keys');
    assert(headersOk, 'missing headers');
    return `c2 joined after ${before} msgs; unique=${seen.size} duplicates=${dup}; joins=[${joins.join(' | ')}]`;
  });

  await step('admin.describeGroups (2 members, Stable)', async () => {
    // wait for rebalance to settle
    let g;
    for (let i = 0; i < 40; i++) {
      g = (await admin.describeGroups([GROUP])).groups[0];
      if (g.state === 'Stable' && g.members.length === 2) break;
      await sleep(250);
    }
    assert(
      g.state === 'Stable' && g.members.length === 2,
      `state=${g.state} members=${g.members.length}`,
    );
    return `joins=[${joins.join(' | ')}] state=${g.state} protocol=${g.protocol} members=${g.members.map((m) => m.clientId + '/' + m.memberId.slice(-8)).join(',')}`;
  });

  await step('admin.listGroups', async () => {
    const l = await admin.listGroups();
    const me = l.groups.find((g) => g.groupId === GROUP);
    assert(me, 'group not listed');
    return `protocolType=${me.protocolType}`;
  });

  await step('stop both consumers (commit on stop)', async () => {
    await sleep(1200); // let autoCommitInterval fire
    await Promise.all([c1.disconnect(), c2.disconnect()]);
  });

  await step('admin.fetchOffsets (committed == high watermark)', async () => {
    const hw = await admin.fetchTopicOffsets(TOPIC);
    const r = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const parts = r[0].partitions;
    for (const p of parts) {
      const h = hw.find((x) => x.partition === p.partition).high;
      assert(p.offset === h, `p${p.partition} committed=${p.offset} high=${h}`);
    }
    return parts.map((p) => `p${p.partition}:${p.offset}`).join(' ');
  });

  // --- restart: must resume from committed offsets ----------------------
  await step('produce 50 more + restarted consumer resumes from committed offsets', async () => {
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: 50 }, (_, i) => ({
        key: `agg-${i}`,
        value: `late-${i}`,
        headers: { seq: `late-${i}` },
      })),
    });
    const got = [];
    const c3 = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 200,
    });
    await c3.connect();
    await c3.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c3.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) got.push(m.headers.seq.toString());
      },
    });
    try {
      await withTimeout(
        (async () => {
          while (got.length < 50) await sleep(50);
        })(),
        30000,
        `restart consumer got ${got.length}/50`,
      );
      await sleep(1500); // any redelivery of the old 1001 would show up now
    } finally {
      await c3.disconnect();
    }
    const old = got.filter((s) => !s.startsWith('late-'));
    assert(old.length === 0, `redelivered ${old.length} already-committed messages`);
    assert(got.length === 50, `got ${got.length}`);
    return `got exactly ${got.length} new messages`;
  });

  await step('admin.describeGroups (Empty after stop)', async () => {
    const g = (await admin.describeGroups([GROUP])).groups[0];
    return `state=${g.state} members=${g.members.length}`;
  });

  await step('admin.resetOffsets(earliest) + setOffsets', async () => {
    const t0 = Date.now();
    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true });
    const t1 = Date.now();
    await admin.setOffsets({
      groupId: GROUP,
      topic: TOPIC,
      partitions: [{ partition: 0, offset: '1' }],
    });
    console.log(`   resetOffsets ${t1 - t0}ms, setOffsets ${Date.now() - t1}ms`);
    const r = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return r[0].partitions.map((p) => `p${p.partition}:${p.offset}`).join(' ');
  });

  // --- idempotent + transactional producer (extras) -----------------------
  await step('idempotent producer send', async () => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    try {
      await p.send({ topic: TOPIC, acks: -1, messages: [{ key: 'idem', value: 'x' }] });
    } finally {
      await p.disconnect();
    }
  });
  await step('transactional producer send+commit', async () => {
    const p = kafka.producer({
      transactionalId: `compat-tx-${RUN}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await p.connect();
    try {
      const tx = await p.transaction();
      await tx.send({ topic: TOPIC, messages: [{ key: 'tx', value: 'y' }] });
      await tx.commit();
    } finally {
      await p.disconnect();
    }
  });
  await step('transactional sendOffsets (consume-transform-produce)', async () => {
    const p = kafka.producer({
      transactionalId: `compat-tx2-${RUN}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await p.connect();
    try {
      const tx = await p.transaction();
      await tx.send({ topic: TOPIC, messages: [{ key: 'tx2', value: 'z' }] });
      await tx.sendOffsets({
        consumerGroupId: GROUP,
        topics: [{ topic: TOPIC, partitions: [{ partition: 1, offset: '5' }] }],
      });
      await tx.commit();
    } finally {
      await p.disconnect();
    }
  });

  await step('admin.createPartitions (3 -> 4)', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: TOPIC, count: 4 }] });
    const m = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    assert(m.topics[0].partitions.length === 4, `partitions=${m.topics[0].partitions.length}`);
  });
  await step('admin.alterConfigs (retention.bytes)', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: TOPIC,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
  });
  await step('admin.deleteTopicRecords', async () => {
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] });
    const o = await admin.fetchTopicOffsets(TOPIC);
    return o.map((p) => `p${p.partition}:${p.low}-${p.high}`).join(' ');
  });
  await step('admin.fetchOffsets(resolveOffsets)', async () => {
    const r = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC], resolveOffsets: true });
    return r[0].partitions.map((p) => `p${p.partition}:${p.offset}`).join(' ');
  });
  await step('admin.listPartitionReassignments', async () => {
    const r = await admin.listPartitionReassignments({
      topics: [{ topic: TOPIC, partitions: [0] }],
    });
    return JSON.stringify(r);
  });
  await step('admin.describeAcls (no authorizer => SECURITY_DISABLED expected)', async () => {
    try {
      await admin.describeAcls({
        resourceType: 1,
        permissionType: 1,
        operation: 1,
        resourcePatternType: 1,
      });
      return 'returned without error';
    } catch (e) {
      if (e.type === 'SECURITY_DISABLED')
        return 'got expected SECURITY_DISABLED (request itself accepted)';
      throw e;
    }
  });
  await step('consumer seek + pause/resume', async () => {
    const got = [];
    const c = kafka.consumer({ groupId: `${GROUP}-seek`, maxWaitTimeInMs: 200 });
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: false });
    let paused = false;
    await c.run({
      eachMessage: async ({ partition, message }) => {
        got.push(`${partition}:${message.offset}`);
        if (!paused) {
          paused = true;
          c.pause([{ topic: TOPIC }]);
          setTimeout(() => c.resume([{ topic: TOPIC }]), 300);
        }
      },
    });
    c.seek({ topic: TOPIC, partition: 1, offset: '10' });
    try {
      await withTimeout(
        (async () => {
          while (got.length < 5) await sleep(50);
        })(),
        20000,
        `seek consumer got ${got.length}`,
      );
    } finally {
      await c.disconnect();
    }
    return `first=${got[0]} n=${got.length}`;
  });

  await step('admin.deleteGroups', async () => {
    const r = await admin.deleteGroups([GROUP, `${GROUP}-seek`]);
    return JSON.stringify(r);
  });

  await producer.disconnect();

  await step('admin.deleteTopics', async () => {
    await admin.deleteTopics({ topics: [TOPIC], timeout: 10000 });
    for (let i = 0; i < 20; i++) {
      const t = await admin.listTopics();
      if (!t.includes(TOPIC)) return 'topic gone';
      await sleep(250);
    }
    throw new Error('topic still listed after deleteTopics');
  });

  await admin.disconnect();

  const failed = results.filter((r) => !r.ok);
  console.log(
    `\nSUMMARY broker=${BROKER} passed=${results.length - failed.length} failed=${failed.length}`,
  );
  for (const f of failed) console.log(`  FAILED ${f.name}: ${f.error}`);
  require('fs').writeFileSync(
    process.env.OUT || `/tmp/kafkajs-check/result-${RUN}.json`,
    JSON.stringify(results, null, 2),
  );
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error('FATAL', e);
  process.exit(2);
});
