import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { trainMembers, memberThreads } from '../../src/model/member-pool.ts';
import { snapshot, type MemberJob } from '../../src/model/member.ts';
import { buildMemberNetwork, type NetworkSpec } from '../../src/model/network.ts';
import { createMemoryLogger } from '../../src/util/log.ts';

const log = createMemoryLogger();
const spec: NetworkSpec = { kind: 'glm', inputs: 2, hiddenUnits: [], activation: 'relu', seed: 3, outputBias: Math.log(0.1) };
const params = { ...defaultConfig().model, kind: 'glm' as const, ensemble_members: 2, max_epochs: 2, seed: 3 };

/** Two members' jobs on 200 rows of a planted log-linear rate. */
function jobs(): MemberJob[] {
  const n = 200;
  const X = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 0.37));
  const y = Float32Array.from({ length: n }, (_, i) => (Math.exp(-2.3 + X[2 * i]) > 0.12 ? 1 : 0));
  const w = new Float32Array(n).fill(1);
  return [0, 1].map((member) => {
    const network = buildMemberNetwork(spec, member);
    const job = { member, fireClass: 'all' as const, spec, initialWeights: snapshot(network), rows: { X, y, w, meanRate: 0.1 }, params: { ...params, seed: 3 + member }, valid: { X, y } };
    network.dispose();
    return job;
  });
}

beforeAll(async () => {
  await selectBackend('wasm', log);
});

describe('member worker threads', () => {
  it('use one thread per core, never more than there are members, and at least one', () => {
    expect(memberThreads(1, 3)).toBe(1);
    expect(memberThreads(8, 3)).toBe(3);
    expect(memberThreads(2, 1)).toBe(1);
    expect(memberThreads(0, 64)).toBeGreaterThanOrEqual(1);
  });

  it('a member that fails in its worker fails the whole training with its name and reason; the next training runs as usual', async () => {
    const broken = jobs();
    broken[1] = { ...broken[1], initialWeights: broken[1].initialWeights.slice(1) };
    await expect(trainMembers(broken, 2, log)).rejects.toThrow(/^member 2\/2: /);
    // A new training on sound jobs works and gives the in-order result.
    const good = jobs();
    const sideBySide = await trainMembers(good, 2, log);
    const inOrder = await trainMembers(jobs(), 1, log);
    expect(sideBySide.map((r) => r.weights.map((t) => Array.from(t)))).toEqual(inOrder.map((r) => r.weights.map((t) => Array.from(t))));
  });
});
