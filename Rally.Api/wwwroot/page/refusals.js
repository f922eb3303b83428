// Rally's refusals of a study action, in the participant's words. A problem's `detail` is written for API callers and
// names the study by its id (`Study 's-…' is paused…`); a participant knows the study by the name on its card. The
// page branches on the problem's `type` slug (never on the wording, docs/api.md), and names the study by its name.
import { describe } from './dom.js';
import { replaceStudyIds } from './study-ids.js';

/** What was not done, by action; the reason follows. */
const NOT_DONE = {
  consent: () => 'Your consent was not taken',
  sharing: (study, share) => share
    ? `Your survey answers are not shared with ${study.name}`
    : `Your survey answers are still shared with ${study.name}`,
  leave: (study) => `You have not left ${study.name}`,
};

/**
 * Why Rally refused a study action, in words meant for the participant.
 *
 * @param {{ studyId: string, name: string }} study the card the participant acted on
 * @param {unknown} error what the kit threw: a RallyError carrying `problem` (RFC 9457) and `retryAfterMs` when Rally answered
 * @param {{ action: 'consent' | 'sharing' | 'leave', share?: boolean, nameOf?: (studyId: string) => string | undefined }} what
 */
export function refusal(study, error, { action, share, nameOf = () => undefined }) {
  return `${NOT_DONE[action](study, share)}: ${reason(study, error, action, nameOf)}`;
}

function reason(study, error, action, nameOf) {
  const name = study.name;
  const problem = error?.problem;
  if (!problem) {
    // No problem document: Rally was not reached (the kit's `network`, `timeout`), or something between answered for it.
    if (error?.code === 'network' || error?.code === 'timeout') return 'Rally could not be reached. Check your connection and try again.';
    if (error?.status !== undefined) return 'Rally could not answer just now. Try again shortly.';
    return named(describe(error), study, nameOf);
  }
  switch (slug(problem)) {
    case 'study-paused':
      return `${name} is paused by Rally's operators and collects nothing for now. Try again once its card says it is open again.`;
    case 'study-not-enrolling':
      return `${name} has ended: it takes no one new and collects nothing more.`;
    case 'consent-version-mismatch':
      return action === 'consent'
        ? `${name} changed what you consent to. Read its card again, which now shows the new version, and consent to that version if you still want to take part.`
        : `${name} changed what you consent to. Read its card again and consent to the new version first.`;
    case 'not-found':
      return `${name} is no longer open on Rally.`;
    case 'not-enrolled':
      return `you are not taking part in ${name} (any more).`;
    case 'limit-reached':
      return 'a limit of this Rally server was reached. Try again later.';
    case 'private-browsing-not-acknowledged':
      return `${name} also collects in private browsing windows: read its warning and tick the box to take part.`;
    case 'participant-left':
      return 'you have left Rally.';
    case 'too-many-requests':
      return `Rally is receiving too many requests just now. Try again ${after(error, 'in a moment')}.`;
    case 'unavailable':
      return `Rally is briefly unavailable. Try again ${after(error, 'shortly')}.`;
    default:
      return named(describe(error), study, nameOf);
  }
}

function slug(problem) {
  const type = typeof problem.type === 'string' ? problem.type : '';
  return type.slice(type.lastIndexOf(':') + 1);
}

/** When to try again: Rally's `Retry-After` when it gave one (the kit reads it as `retryAfterMs`). */
function after(error, otherwise) {
  const ms = error?.retryAfterMs;
  if (!Number.isFinite(ms)) return otherwise;
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds === 1 ? 'in a second' : `in ${seconds} seconds`;
}

/** The server's own words, with every study id in them (quoted by the server or bare) replaced by its name in quotes. */
function named(detail, study, nameOf) {
  return replaceStudyIds(detail, (studyId) => {
    const name = studyId === study.studyId ? study.name : nameOf(studyId);
    return name ? `“${name}”` : 'another study';
  }, [study.studyId]);
}
