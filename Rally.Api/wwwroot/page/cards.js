// A study's card, in full: what it collects, who sees it, how it is used, its private-browsing warning. The same card
// is what a participant consents to; its consent version is the one sent when enrolling.
import { h, when } from './dom.js';

const STATES = {
  enrolling: 'Open: you can take part',
  paused: 'Paused: it collects nothing and enrolls no one for now',
  ended: 'Ended: it collects nothing more; its data is locked until the analysis is complete',
  'analysis-complete': 'Analysis complete: its raw data has been deleted',
};

const DELETIONS = {
  deleted: 'deleted',
  locked: 'locked until the study\'s analysis is complete, then deleted',
  pending: 'being deleted',
};

/**
 * @param {object} study the card, as Rally publishes it
 * @param {{ participant: boolean, enrollment?: object, deletion?: object,
 *           onEnroll: Function, onShare: Function, onLeave: Function,
 *           leaving: { is: Function, set: Function }, ticks: { get: Function, set: Function },
 *           problems: { get: Function, set: Function } }} context
 */
export function card(study, context) {
  const id = `study-${study.studyId}`;
  return h('article', { class: 'card', id, 'aria-labelledby': `${id}-name`, 'data-study-id': study.studyId },
    h('h2', { id: `${id}-name` }, study.name),
    h('p', { class: 'partner' }, 'By ', study.partner),
    h('p', { class: `state state-${study.state}` }, h('strong', {}, 'Status: '), STATES[study.state] ?? study.state,
      study.endsAt && study.state === 'enrolling' ? `, ends ${when(study.endsAt)}` : ''),
    h('p', {}, study.description),
    h('h3', {}, 'What data it collects'),
    h('ul', { class: 'collected' }, study.dataCollected.map((d) =>
      h('li', {}, h('code', {}, d.type), ': ', d.description))),
    h('h3', {}, 'Who has access'),
    h('p', {}, study.whoHasAccess),
    h('h3', {}, 'How the data is used'),
    h('p', {}, study.howDataIsUsed),
    h('h3', {}, 'Private browsing'),
    study.collectsInPrivateBrowsing
      ? h('p', { class: 'warning' }, h('strong', {}, 'Warning: this study also collects in private browsing windows. '),
        study.privateBrowsingWarning)
      : h('p', {}, 'This study collects nothing in private browsing windows.'),
    h('h3', {}, 'Its add-on'),
    // Every control of a card has an id: a redraw (a notice, a deletion's progress) gives the focus back by it.
    h('p', {}, 'Add-on id ', h('code', { class: 'addon-id' }, study.addOn.id), '. ',
      h('a', { href: study.addOn.downloadUrl, rel: 'noopener noreferrer', id: `${id}-addon` }, `Install the add-on of ${study.name}`)),
    h('p', { class: 'consent-version' }, `Consent version ${study.consentVersion}`),
    context.participant ? actions(study, context) : null);
}

function actions(study, { enrollment, deletion, onEnroll, onLeave, onShare, leaving, ticks, problems }) {
  const id = `study-${study.studyId}`;
  const box = h('div', { class: 'take-part' });
  // Rally's last refusal of a consent to this study lives in the page's state (`problems`), not in this element: the
  // cards may be drawn again while the request is in flight, and again before the participant has read the answer.
  // It is drawn on every redraw until the participant acts again; only its first drawing is an alert (announced), as
  // a screen reader would announce an alert inserted anew on each redraw. Focusable by script, not a Tab stop.
  const kept = problems.get(study.studyId);
  const problem = h('p', { class: 'problem', id: `${id}-problem`, tabindex: '-1', role: kept?.announce ? 'alert' : undefined, hidden: !kept },
    kept?.text);
  if (enrollment && !enrollment.needsReconsent) {
    const sharing = enrollment.shareDemographics
      ? ['Your survey answers are shared with this study. ', h('button', { type: 'button', class: 'secondary', id: `${id}-share`,
        onclick: () => onShare(study, false) }, `Stop sharing my survey answers with ${study.name}`)]
      : ['Your survey answers are not shared with this study. ', h('button', { type: 'button', class: 'secondary', id: `${id}-share`,
        onclick: () => onShare(study, true) }, `Share my survey answers with ${study.name}`)];
    box.append(
      // Focusable by script (not a Tab stop): the page moves the focus here once the enroll form it replaces is gone.
      h('p', { class: 'enrolled', id: `${id}-enrolled`, tabindex: '-1' }, h('strong', {}, 'You are taking part'), ` (consent version ${enrollment.consentVersion}).`),
      h('p', { class: 'sharing' }, ...sharing),
      leaveControls(study, onLeave, leaving));
    return box;
  }
  if (deletion && !enrollment) {
    // Focusable by script, as above: it replaces the leave button, and keeps the focus while the deletion is followed.
    box.append(h('p', { class: 'left', id: `${id}-deletion`, tabindex: '-1' },
      'You left this study. Its data about you: ', h('strong', { class: 'data-deletion' }, deletion.dataDeletion), ' — ',
      DELETIONS[deletion.dataDeletion] ?? '', '. Deletion request: ', h('strong', { class: 'deletion-status' }, deletion.status), '.'));
  }
  if (study.state !== 'enrolling') {
    // No form to consent with (the study paused or closed): the refusal is still shown, on its own.
    if (kept) box.append(problem);
    if (enrollment) box.append(leaveControls(study, onLeave, leaving));
    return box;
  }
  const reconsent = Boolean(enrollment?.needsReconsent);
  // What the participant ticked lives in the page's state (`ticks`), not in these elements: the cards are drawn again
  // whenever a notice or a deletion's progress arrives, and consenting must send what the participant chose, not
  // what a redraw reset. Ticks are kept for the consent version they were given to: a new version starts unticked.
  const ticked = ticks.get(study.studyId, study.consentVersion);
  const keep = () => ticks.set(study.studyId, study.consentVersion,
    { share: share.checked, acknowledge: Boolean(acknowledge?.checked) });
  const share = h('input', { type: 'checkbox', id: `${id}-share`, checked: Boolean(ticked?.share), onchange: keep });
  const acknowledge = study.collectsInPrivateBrowsing
    ? h('input', { type: 'checkbox', id: `${id}-private`, checked: Boolean(ticked?.acknowledge), onchange: keep })
    : null;
  const form = h('form', { class: 'enroll', novalidate: true },
    h('fieldset', {},
      h('legend', {}, reconsent ? `${study.name} changed what you consent to` : `Take part in ${study.name}`),
      reconsent ? h('p', { class: 'warning' },
        `You consented to version ${enrollment.consentVersion}; the study now asks for version ${study.consentVersion}. ` +
        'Read the card above again: until you consent to the new version, the study receives nothing from you.') : null,
      h('div', { class: 'check' }, share,
        h('label', { for: `${id}-share` }, `Share my answers about myself with ${study.partner} for this study`)),
      acknowledge ? h('div', { class: 'check' }, acknowledge,
        h('label', { for: `${id}-private` }, 'I have read the private browsing warning above and accept it')) : null),
    problem,
    h('button', { type: 'submit', id: `${id}-enroll` }, `I consent to version ${study.consentVersion} and take part`));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (acknowledge && !acknowledge.checked) {
      const text = 'This study collects in private windows: read its warning and tick the box to take part.';
      problems.set(study.studyId, text); // kept for redraws too; announced here, as an alert
      problem.setAttribute('role', 'alert');
      problem.textContent = text;
      problem.hidden = false;
      acknowledge.focus();
      return;
    }
    // Acting again: the last refusal is gone from this form at once (the page's state forgets it in onEnroll).
    problem.hidden = true;
    problem.textContent = '';
    onEnroll(study, { shareDemographics: share.checked, privateBrowsingAcknowledged: acknowledge ? true : undefined });
  });
  box.append(form);
  if (enrollment) box.append(leaveControls(study, onLeave, leaving));
  return box;
}

function leaveControls(study, onLeave, leaving) {
  const id = `study-${study.studyId}`;
  const what = study.state === 'ended'
    ? 'The study has ended: the data it collected from you stays locked until its analysis is complete, then it is deleted.'
    : 'The study is open: everything it collected from you is deleted.';
  // Whether the confirmation is open lives in the page's state (`leaving`), not in this element: the cards are drawn
  // again whenever a notice or a deletion's progress arrives, and an open confirmation must survive that.
  const confirm = h('div', { class: 'confirm', id: `${id}-leave-confirm`, hidden: !leaving.is(study.studyId) },
    h('p', {}, `Leave ${study.name}? Its add-on stops sending at once. ${what}`),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'danger', id: `${id}-leave-yes`, onclick: () => { leaving.set(undefined); onLeave(study); } }, `Yes, leave ${study.name}`),
      h('button', { type: 'button', class: 'secondary', id: `${id}-leave-cancel`,
        onclick: () => { leaving.set(undefined); confirm.hidden = true; open.focus(); } }, 'Cancel')));
  const open = h('button', { type: 'button', class: 'secondary', id: `${id}-leave`, 'aria-controls': `${id}-leave-confirm`,
    onclick: () => { leaving.set(study.studyId); confirm.hidden = false; confirm.querySelector('button').focus(); } }, `Leave ${study.name}`);
  return h('div', { class: 'leave' }, open, confirm);
}
