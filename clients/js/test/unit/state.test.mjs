// The state the kit derives from a study's card and the participant's record, and what the constructor refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rally, stateOf } from '../../src/index.js';

const me = (enrollment) => ({ enrollments: enrollment ? [{ studyId: 's-1', consentVersion: '1', needsReconsent: false, ...enrollment }] : [] });

test('state from the card and the enrollment', () => {
  assert.equal(stateOf({ state: 'enrolling' }, me({}), 's-1'), 'running');
  assert.equal(stateOf({ state: 'enrolling' }, me(null), 's-1'), 'not-enrolled');
  assert.equal(stateOf({ state: 'enrolling' }, me({ needsReconsent: true }), 's-1'), 'needs-consent');
  assert.equal(stateOf({ state: 'paused' }, me({}), 's-1'), 'paused');
  assert.equal(stateOf({ state: 'ended' }, me({}), 's-1'), 'ended');
  assert.equal(stateOf({ state: 'analysis-complete' }, me(null), 's-1'), 'ended');
  assert.equal(stateOf({ state: 'some-future-state' }, me({}), 's-1'), 'paused', 'a state the kit does not know sends nothing');
});

test('join never accepts a consent unseen, and Rally needs its three settings', async () => {
  await assert.rejects(Rally.join({ baseUrl: 'http://127.0.0.1:1', residesInUnitedStates: true, ageAtLeast19: true }), TypeError);
  assert.throws(() => new Rally({ baseUrl: 'http://127.0.0.1:1', token: 't' }), TypeError);
  assert.throws(() => new Rally({ baseUrl: 'http://127.0.0.1:1', token: 't', studyId: 's', batchSize: 500 }), RangeError);
});
