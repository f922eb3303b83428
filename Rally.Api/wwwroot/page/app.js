// Rally's participant page. Its only client code is the kit (/sdk/rally.js): every call to Rally goes through it.
import { Rally } from '/sdk/rally.js';
import { byId, describe, fill, h, problem, say, when } from './dom.js';
import { card } from './cards.js';
import { refusal } from './refusals.js';
import { fillSurvey, readSurvey, surveyProblem } from './survey.js';
import { answerAddOns } from './handoff.js';
import { forgetAll, loadCredential, loadDeletions, saveCredential, saveDeletions } from './credential-store.js';
import { studyNames } from './study-names.js';

const baseUrl = location.origin;
const SCREENS = ['studies', 'join', 'survey', 'notices', 'data', 'leave'];
const VISITOR_SCREENS = ['studies', 'join'];

const page = {
  platform: undefined,
  studies: [],
  credential: undefined,
  participant: undefined, // the kit's RallyParticipant while joined
  me: undefined,
  notices: new Map(), // pending notices by id: the inbox, kept current by live notices
  deletions: [],
  stopNotices: undefined,
  leaving: undefined, // the study whose leave confirmation is open, kept across redraws
  ticks: new Map(), // the enroll forms' ticks not yet sent, by study: { consentVersion, share, acknowledge }, kept across redraws
  problems: new Map(), // the last refusal of a consent (or a form's mistake), by study: { text, shown }, kept across redraws
};

// The names of studies the catalogue no longer lists (analysis complete) are read from their cards: the lists that
// named one by "a study no longer listed" meanwhile are drawn again.
const names = studyNames({
  baseUrl,
  onLearnt: () => {
    renderNotices();
    renderData();
    renderLeave();
  },
});

// Add-ons are answered once the participant's enrollments are known, and only for the studies it is enrolled in.
const handoff = answerAddOns({
  credential: () => (page.me ? page.credential : undefined),
  studies: () => page.studies.filter((s) => page.me?.enrollments.some((e) => e.studyId === s.studyId)),
});

// --- screens --------------------------------------------------------------------------------------------------

function screenFromHash() {
  const name = location.hash.replace(/^#/, '');
  if (!SCREENS.includes(name)) return 'studies';
  return page.credential || VISITOR_SCREENS.includes(name) ? (name === 'join' && page.credential ? 'studies' : name) : 'join';
}

function showScreen(focus = true) {
  const screen = screenFromHash();
  for (const section of document.querySelectorAll('[data-screen-section]')) {
    section.hidden = section.dataset.screenSection !== screen;
  }
  for (const link of document.querySelectorAll('#nav a[data-screen]')) {
    if (link.dataset.screen === screen) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.body.dataset.screen = screen;
  if (focus) byId(`${screen}-title`).focus();
}

window.addEventListener('hashchange', () => showScreen());

function showRole() {
  const joined = Boolean(page.credential);
  for (const element of document.querySelectorAll('[data-participant]')) element.hidden = !joined;
  for (const element of document.querySelectorAll('[data-visitor]')) element.hidden = joined;
  fill(byId('who'), joined ? ['Signed in as participant ', h('code', { id: 'who-id' }, page.credential.participantId)] : 'Not joined');
}

// --- the catalogue ------------------------------------------------------------------------------------------

function renderStudies() {
  const list = byId('study-list');
  if (page.studies.length === 0) {
    fill(list, h('p', {}, 'No study is open yet.'));
    return;
  }
  const enrollments = new Map((page.me?.enrollments ?? []).map((e) => [e.studyId, e]));
  // A refusal is resolved once the participant takes part with the current consent (from an add-on, another tab).
  for (const studyId of page.problems.keys()) {
    const enrollment = enrollments.get(studyId);
    if (enrollment && !enrollment.needsReconsent) page.problems.delete(studyId);
  }
  const lastDeletion = new Map(page.deletions.map((d) => [d.studyId, d]));
  // Drawn again on every notice and deletion step: the control that had the focus gets it back (by its id).
  const focused = list.contains(document.activeElement) ? document.activeElement.id : '';
  fill(list, page.studies.map((study) => card(study, {
    participant: Boolean(page.credential),
    enrollment: enrollments.get(study.studyId),
    deletion: lastDeletion.get(study.studyId),
    onEnroll: enroll,
    onShare: setSharing,
    onLeave: leaveStudy,
    leaving: { is: (studyId) => page.leaving === studyId, set: (studyId) => { page.leaving = studyId; } },
    ticks: {
      get: (studyId, consentVersion) => {
        const kept = page.ticks.get(studyId);
        return kept?.consentVersion === consentVersion ? kept : undefined;
      },
      set: (studyId, consentVersion, ticked) => { page.ticks.set(studyId, { consentVersion, ...ticked }); },
    },
    // Announced (role="alert") the first time it is drawn only: a redraw draws it again without re-announcing it.
    problems: {
      get: (studyId) => {
        const kept = page.problems.get(studyId);
        if (!kept) return undefined;
        const announce = !kept.shown;
        kept.shown = true;
        return { text: kept.text, announce };
      },
      set: (studyId, text) => { page.problems.set(studyId, { text, shown: true }); }, // shown, and announced, by the form itself
    },
  })));
  if (focused) byId(focused)?.focus();
}

async function loadStudies() {
  page.studies = await Rally.studies({ baseUrl });
  names.learn(page.studies);
  renderStudies();
  handoff.retry();
}

async function enroll(study, choices) {
  page.problems.delete(study.studyId); // the participant acts again: the last refusal no longer stands
  try {
    await page.participant.enroll(study.studyId, { consentVersion: study.consentVersion, ...choices });
  } catch (error) {
    // Kept in the page's state, not written into the form that sent the request: the cards may have been drawn again
    // while it was in flight (a notice, a deletion's progress), and that form is then gone. The refusal often says the
    // card changed (the study paused or closed, a new consent version): the catalogue is read again to show both.
    page.problems.set(study.studyId, { text: refusal(study, error, { action: 'consent', nameOf }), shown: false });
    try {
      await loadStudies();
    } catch {
      renderStudies();
    }
    // The control that sent it may have gone with a redraw (a paused study shows no form): the focus goes to the answer.
    if (!document.activeElement || document.activeElement === document.body) byId(`study-${study.studyId}-problem`)?.focus();
    return;
  }
  // Taken: what follows only shows it, and a failure to read the participant back is not a refused consent.
  page.ticks.delete(study.studyId); // sent: a form shown again later (after leaving the study) starts unticked
  const taken = `You are taking part in ${study.name}.`;
  say(taken);
  try {
    await refreshMeUntilRead();
  } catch (error) {
    say(`You are taking part in ${study.name}; Rally could not show it yet (${describe(error)}).`);
    return;
  }
  // Said again: a retry of the read meanwhile said that Rally could not be reached, which no longer stands.
  say(taken);
  byId(`study-${study.studyId}-enrolled`)?.focus();
}

async function setSharing(study, share) {
  try {
    await page.participant.setSharing(study.studyId, share);
    say(share ? `Your survey answers are now shared with ${study.name}.` : `Your survey answers are no longer shared with ${study.name}.`);
    await refreshMe();
  } catch (error) {
    say(refusal(study, error, { action: 'sharing', share, nameOf }));
  }
}

async function leaveStudy(study) {
  page.problems.delete(study.studyId); // leaving answers a refused consent to this study too
  try {
    const left = await page.participant.leaveStudy(study.studyId);
    remember({ deletionId: left.deletionId, studyId: study.studyId, dataDeletion: left.dataDeletion, status: 'pending' });
    say(`You left ${study.name}. Its data about you: ${left.dataDeletion}.`);
    await refreshMe();
    byId(`study-${study.studyId}-deletion`)?.focus();
    followDeletion(left.deletionId);
  } catch (error) {
    say(refusal(study, error, { action: 'leave', nameOf }));
  }
}

// --- deletions: shown until done ------------------------------------------------------------------------------

function remember(deletion) {
  const known = page.deletions.find((d) => d.deletionId === deletion.deletionId);
  // A poll that learnt nothing new redraws nothing: a redraw would reset what the participant is filling in.
  if (known && known.status === deletion.status && known.dataDeletion === deletion.dataDeletion) return;
  page.deletions = [...page.deletions.filter((d) => d.deletionId !== deletion.deletionId), deletion];
  saveDeletions(page.deletions);
  renderStudies();
  renderData();
}

/** Asks for the request's status until it is done: completed, or locked until the study's analysis completes. */
async function followDeletion(deletionId) {
  for (let wait = 250; page.participant; wait = Math.min(wait * 2, 5000)) {
    let deletion;
    try {
      deletion = await page.participant.deletion(deletionId);
    } catch {
      return; // the participant left Rally meanwhile, or the request is no longer listed
    }
    remember({ deletionId, studyId: deletion.studyId, dataDeletion: deletion.dataDeletion, status: deletion.status });
    if (deletion.status !== 'pending') return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

// --- the participant ------------------------------------------------------------------------------------------

async function refreshMe() {
  page.me = await page.participant.me();
  for (const notice of page.me.notices) page.notices.set(notice.id, notice);
  renderStudies();
  renderNotices();
  renderData();
  renderLeave();
  handoff.retry();
}

/** Reads the participant, again after a pause while Rally is briefly unavailable (a front or silo restarting). */
async function refreshMeUntilRead() {
  let trying;
  for (let wait = 500; ; wait = Math.min(wait * 2, 8000)) {
    try {
      await refreshMe();
      // Read: the status no longer says that Rally cannot be reached (the caller says what was done, if anything).
      if (trying && byId('status').textContent === trying) say('');
      return;
    } catch (error) {
      if (error?.status === 401 || error?.status === 410 || !page.participant) throw error;
      trying = `Rally could not be reached (${describe(error)}); trying again.`;
      say(trying);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

async function becomeParticipant(credential) {
  page.credential = credential;
  page.participant = Rally.participant({ baseUrl, token: credential.token });
  page.deletions = await loadDeletions();
  showRole();
  try {
    await refreshMeUntilRead();
  } catch (error) {
    if (error?.status === 401 || error?.status === 410) {
      // This browser's participant has left Rally (elsewhere, or long ago): nothing of it should stay here.
      await forgetParticipant();
      return;
    }
    throw error;
  }
  page.stopNotices = page.participant.onNotice(onNotice);
  page.participant.noticeStream().onReconnected?.(() => refreshMe());
  byId('live-state').textContent = 'New notices appear here as they arrive.';
  for (const d of page.deletions.filter((d) => d.status === 'pending')) followDeletion(d.deletionId);
  handoff.retry();
}

async function forgetParticipant() {
  page.stopNotices?.();
  await page.participant?.close();
  await forgetAll();
  Object.assign(page, { credential: undefined, participant: undefined, me: undefined, deletions: [], stopNotices: undefined, leaving: undefined });
  page.notices.clear();
  page.ticks.clear();
  page.problems.clear();
  showRole();
  renderStudies();
  renderNotices();
}

// --- join ---------------------------------------------------------------------------------------------------

function renderPlatform() {
  const shown = byId('platform-consent').dataset.consentVersion;
  const current = page.platform.platformConsentVersion;
  const { residesIn, minimumAge } = page.platform.eligibility;
  byId('eligibility-rule').textContent = `Rally is open to people who live in the ${residesIn === 'US' ? 'United States' : residesIn} and are ${minimumAge} or older.`;
  // The page only ever sends the version of the text it shows: if Rally asks for another, this page cannot consent.
  const mismatch = shown !== current;
  problem('platform-consent-mismatch', mismatch
    ? `This page shows version ${shown} of Rally's consent, but Rally now asks for version ${current}. Reload the page to read it.`
    : '');
  byId('join-submit').disabled = mismatch;
}

byId('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const residesInUnitedStates = byId('join-us').checked;
  const ageAtLeast19 = byId('join-age').checked;
  if (!residesInUnitedStates || !ageAtLeast19) {
    problem('join-problem', 'Rally is open only to people who live in the United States and are 19 or older: both must be true to join.');
    return;
  }
  problem('join-problem', '');
  const from = location.hash;
  try {
    const joined = await Rally.join({
      baseUrl,
      platformConsentVersion: byId('platform-consent').dataset.consentVersion,
      residesInUnitedStates,
      ageAtLeast19,
    });
    const credential = { participantId: joined.participantId, token: joined.token };
    await saveCredential(credential);
    await becomeParticipant(credential);
    say('Welcome to Rally. You can now take part in studies, and tell us about yourself if you want to.');
    // The survey comes next, unless the participant went to another screen while joining (the nav shows the
    // participant's screens as soon as the credential is kept, before Rally has answered for it): moving them on
    // then would hide what they are reading or using, and take their focus with it. The live region says it is done.
    if (location.hash === from) {
      if (from === '#survey') showScreen(); // a visitor sent from #survey to the join screen: no hashchange to come
      else location.hash = '#survey';
    }
  } catch (error) {
    problem('join-problem', describe(error));
  }
});

// --- the survey -----------------------------------------------------------------------------------------------

byId('survey-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const profile = readSurvey();
  const mistake = surveyProblem(profile);
  problem('survey-problem', mistake);
  if (mistake) return;
  try {
    fillSurvey(await page.participant.putProfile(profile));
    say('Your answers are saved.');
    await refreshMe();
  } catch (error) {
    problem('survey-problem', describe(error));
  }
});

byId('survey-delete').addEventListener('click', async () => {
  try {
    await page.participant.deleteProfile();
    fillSurvey(undefined);
    say('Your answers are deleted.');
    await refreshMe();
  } catch (error) {
    problem('survey-problem', describe(error));
  }
});

async function loadSurvey() {
  if (page.participant && page.me?.hasProfile) fillSurvey(await page.participant.profile());
}

// --- notices --------------------------------------------------------------------------------------------------

const KINDS = {
  'study-ending': 'Study ending',
  'study-ended': 'Study ended',
  'study-paused': 'Study paused',
  'study-resumed': 'Study resumed',
  'consent-changed': 'New consent to read',
  'data-deleted': 'Data deleted',
};

function onNotice(notice) {
  const known = page.notices.has(notice.id);
  page.notices.set(notice.id, notice);
  renderNotices();
  if (known) return;
  announce(notice);
  if (notice.kind === 'data-deleted') {
    const deletion = page.deletions.find((d) => d.deletionId === notice.id);
    if (deletion) remember({ ...deletion, status: 'completed' });
  }
  // A study moved: its card and the participant's enrollments change with it.
  loadStudies().then(refreshMe).catch(() => {});
}

/** Says that a notice arrived, once the study it is about has a name if Rally gives one. */
async function announce(notice) {
  await names.ask(notice.studyId);
  say(`New notice: ${noticeMessage(notice)}`);
}

/** A study's name on its card, or undefined while Rally has given none (the catalogue's, or the study's own page). */
function nameOf(studyId) {
  return names.nameOf(studyId);
}

/** Every study the page names for the participant, in a stable order: so that unnamed ones keep their numbers. */
function shownStudies() {
  return [
    ...(page.me?.enrollments ?? []).map((e) => e.studyId),
    ...page.deletions.map((d) => d.studyId),
    ...[...page.notices.values()].sort((a, b) => a.at.localeCompare(b.at)).map((n) => n.studyId),
  ];
}

/** The study as the participant reads it: its name, never its id (see study-names.js). */
function studyName(studyId, among = shownStudies()) {
  return names.label(studyId, among);
}

/** A notice's message, in which Rally may name a study by its id (a data-deleted notice does). */
function noticeMessage(notice, among = shownStudies()) {
  return names.named(notice.message, among);
}

function renderNotices() {
  const notices = [...page.notices.values()].sort((a, b) => a.at.localeCompare(b.at));
  const among = shownStudies();
  byId('notice-count').textContent = notices.length > 0 ? `(${notices.length})` : '';
  byId('notices-empty').hidden = notices.length > 0;
  fill(byId('notice-list'), notices.map((notice) => h('li', { class: `notice notice-${notice.kind}`, 'data-notice-id': notice.id },
    h('p', { class: 'notice-kind' }, h('strong', {}, KINDS[notice.kind] ?? notice.kind), ' · ', studyName(notice.studyId, among)),
    h('p', { class: 'notice-message' }, noticeMessage(notice, among)),
    notice.endsAt ? h('p', {}, `Ends ${when(notice.endsAt)}`) : null,
    h('p', { class: 'hint' }, when(notice.at)),
    h('button', { type: 'button', class: 'secondary', onclick: () => acknowledge(notice) },
      'Mark as read', h('span', { class: 'visually-hidden' }, `: ${KINDS[notice.kind] ?? notice.kind}, ${studyName(notice.studyId, among)}`)))));
}

async function acknowledge(notice) {
  try {
    await page.participant.ack(notice.id);
    page.notices.delete(notice.id);
    renderNotices();
    say('Notice marked as read.');
    byId('notices-title').focus();
  } catch (error) {
    say(describe(error));
  }
}

// --- my data --------------------------------------------------------------------------------------------------

function renderData() {
  const me = page.me;
  if (!me) return;
  byId('data-participant').textContent = me.participantId;
  byId('data-joined').textContent = when(me.joinedAt);
  byId('data-consent').textContent = me.platformConsentVersion;
  byId('data-profile').textContent = me.hasProfile ? 'given (see About you)' : 'none given';
  const among = shownStudies();
  fill(byId('data-enrollments'), me.enrollments.length === 0 ? h('li', {}, 'You take part in no study.') :
    me.enrollments.map((e) => h('li', {}, `${studyName(e.studyId, among)}: since ${when(e.enrolledAt)}, consent version ${e.consentVersion}`,
      e.needsReconsent ? ' (asks you to consent again)' : '', e.shareDemographics ? '; your answers are shared with it' : '')));
  fill(byId('data-deletions'), page.deletions.length === 0 ? h('li', {}, 'None.') :
    page.deletions.map((d) => h('li', {}, `${studyName(d.studyId, among)}: data ${d.dataDeletion}, request ${d.status}`)));
}

byId('data-export').addEventListener('click', async () => {
  const result = byId('data-export-result');
  try {
    const data = await page.participant.exportData();
    if (data === null) {
      result.textContent = 'This Rally server does not offer a copy of your data yet.';
      return;
    }
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const link = h('a', { href: URL.createObjectURL(blob), download: 'my-rally-data.json' }, 'Save my-rally-data.json');
    fill(result, 'Your copy is ready: ', link);
    link.focus();
  } catch (error) {
    result.textContent = describe(error);
  }
});

// --- leave Rally ----------------------------------------------------------------------------------------------

/** What leaving Rally does to a study's data about the participant, by the study's state as last seen. */
const ON_LEAVING = {
  enrolling: 'open, its data about you is deleted now',
  paused: 'open, its data about you is deleted now',
  ended: 'ended, its data about you stays locked until its analysis is complete, then is deleted',
  'analysis-complete': 'its analysis is complete, and its data about you was deleted then',
};

function renderLeave() {
  const me = page.me;
  if (!me) return;
  const among = shownStudies();
  fill(byId('leave-studies'), me.enrollments.length === 0 ? h('li', {}, 'You take part in no study.') :
    me.enrollments.map((e) => h('li', {}, `${studyName(e.studyId, among)}: `,
      ON_LEAVING[names.card(e.studyId)?.state] ?? 'its data about you is deleted now, or stays locked until its analysis is complete')));
}

byId('leave-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!byId('leave-confirm').checked) {
    problem('leave-problem', 'Tick the box to confirm that you want to leave Rally.');
    byId('leave-confirm').focus();
    return;
  }
  problem('leave-problem', '');
  try {
    const left = await page.participant.leaveRally();
    // Named while the participant's studies are still known (its enrollments, deletions, notices number the unnamed).
    const among = [...shownStudies(), ...left.studies.map((s) => s.studyId)];
    const named = new Map(left.studies.map((s) => [s.studyId, studyName(s.studyId, among)]));
    await forgetParticipant();
    byId('leave-form').hidden = true;
    byId('leave-result').hidden = false;
    fill(byId('leave-outcome'),
      h('li', {}, left.profileDeleted ? 'Your answers about yourself are deleted.' : 'You had given no answers about yourself.'),
      left.studies.map((s) => h('li', {}, `${named.get(s.studyId)}: data ${s.dataDeletion}`)),
      h('li', {}, 'This browser no longer holds your Rally credential.'));
    say('You have left Rally.');
    byId('leave-result-title').focus();
  } catch (error) {
    problem('leave-problem', describe(error));
  }
});

// --- start ----------------------------------------------------------------------------------------------------

async function start() {
  showScreen(false);
  const [platform] = await Promise.all([Rally.platform({ baseUrl }), loadStudies()]);
  page.platform = platform;
  renderPlatform();
  const credential = await loadCredential();
  if (credential) await becomeParticipant(credential);
  else showRole();
  await loadSurvey();
  renderStudies();
  showScreen(false);
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  say(`Rally could not be reached: ${describe(error)}`);
  document.body.dataset.ready = 'failed';
});
