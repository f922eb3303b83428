// Study ids in text from Rally. A problem's `detail` and older notices name a study by its id (`s-…`, a MAC), which a
// participant never reads: the page replaces each with the study's name, or words that say which study it was.

// The shape of the ids Rally makes (Rally.Api/Studies/StudyIds.cs): `s-`, 24 then 16 characters of base32.
const STUDY_ID = /s-[a-z2-7]{24}-[a-z2-7]{16}/;

const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with every study id in it, quoted or bare, replaced by `replacement(studyId)` (its quotes with it). Whole ids
 * only, not within a longer word or id; the `known` ids match too, whatever their shape.
 *
 * @param {string} text
 * @param {(studyId: string) => string} replacement
 * @param {string[]} [known]
 */
export function replaceStudyIds(text, replacement, known = []) {
  const ids = new RegExp(`(['"]?)(?<![\\w-])(${[...known.map(escaped), STUDY_ID.source].join('|')})(?![\\w-])\\1`, 'g');
  return text.replace(ids, (_, quote, studyId) => replacement(studyId));
}
