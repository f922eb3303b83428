// The names of the studies a participant knows. The catalogue (`GET /v1/studies`) lists enrolling, paused and ended
// studies only: a study whose analysis has completed leaves it, yet the participant may still be enrolled in it, have a
// deletion request or a notice about it. Its card stays readable by anyone (`GET /v1/studies/{studyId}`), so the page
// asks for it; a participant never reads a study's id (`s-…`, a meaningless MAC), only its name, or, when Rally gives
// none, words that say so.
import { Rally } from '/sdk/rally.js';
import { replaceStudyIds } from './study-ids.js';

/** What the page calls a study Rally gives no name for (a study it no longer has, or one it cannot read now). */
export const UNLISTED = 'a study no longer listed';

/**
 * @param {{ baseUrl: string, onLearnt: () => void }} options `onLearnt` is called once a card asked for has answered,
 * so that what named the study by {@link UNLISTED} is drawn again with its name.
 */
export function studyNames({ baseUrl, onLearnt }) {
  const cards = new Map(); // studyId → the card last seen (catalogue or its own page), or null when Rally has none
  const asking = new Map(); // studyId → the read of its card in flight
  let listed = new Set(); // the studies of the catalogue last read

  /**
   * Keeps the catalogue's cards. A study that has left it since the last read keeps its name here, and its own card is
   * read again for where it now stands (its analysis completed).
   */
  function learn(studies) {
    const now = new Set(studies.map((study) => study.studyId));
    for (const study of studies) cards.set(study.studyId, study);
    for (const studyId of listed) {
      if (!now.has(studyId)) read(studyId);
    }
    listed = now;
  }

  /** Reads a card the page has not seen; resolves once known, or once Rally answered that it has none. Never throws. */
  function ask(studyId) {
    return cards.has(studyId) ? Promise.resolve() : read(studyId);
  }

  function read(studyId) {
    if (!asking.has(studyId)) {
      asking.set(studyId, Rally.study({ baseUrl, studyId }).then(
        (card) => { cards.set(studyId, card); onLearnt(); },
        (error) => {
          // A study Rally does not have stays unnamed (unless a card was seen before); anything else (offline, a front
          // restarting) is asked again at the next drawing, not at once (no loop while Rally is unreachable).
          if (error?.status === 404 && !cards.get(studyId)) cards.set(studyId, null);
        },
      ).finally(() => asking.delete(studyId)));
    }
    return asking.get(studyId);
  }

  /** The study's card as last seen, or undefined (then asked for). */
  function card(studyId) {
    const known = cards.get(studyId);
    if (known === undefined) ask(studyId);
    return known ?? undefined;
  }

  /** The study's name, or undefined while Rally has given none (then asked for). */
  function nameOf(studyId) {
    return card(studyId)?.name;
  }

  /**
   * The study as the participant reads it: its name, or {@link UNLISTED}, numbered when several studies on the page
   * have no name (`among`: every study the page shows, in a stable order), so that each stays told apart and the same
   * study keeps its number from one list to another.
   */
  function label(studyId, among = []) {
    const name = nameOf(studyId);
    if (name) return name;
    const unnamed = [...new Set([...among, studyId])].filter((id) => !nameOf(id));
    return unnamed.length > 1 ? `${UNLISTED} (${unnamed.indexOf(studyId) + 1})` : UNLISTED;
  }

  /** Text from Rally (a notice's message) with every study id in it, quoted or bare, replaced by the study's name. */
  function named(text, among = []) {
    return replaceStudyIds(text, (studyId) => {
      const name = nameOf(studyId);
      return name ? `“${name}”` : `(${label(studyId, among)})`;
    });
  }

  return { learn, ask, card, nameOf, label, named };
}
