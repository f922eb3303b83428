// The demographic survey: every answer optional, each one of the values Rally publishes (docs/api.md).
import { byId } from './dom.js';

const form = () => byId('survey-form');

/** The profile the form holds: only the questions answered. */
export function readSurvey() {
  const data = new FormData(form());
  const profile = {};
  for (const name of ['ageRange', 'gender', 'schoolLevel', 'householdIncomeRange']) {
    const value = data.get(name);
    if (value) profile[name] = value;
  }
  const hispanic = data.get('hispanicLatinxSpanishOrigin');
  if (hispanic) profile.hispanicLatinxSpanishOrigin = hispanic === 'true';
  const races = data.getAll('races');
  if (races.length > 0) profile.races = races;
  const zip = String(data.get('zipCode') ?? '').trim();
  if (zip) profile.zipCode = zip;
  return profile;
}

/** A ZIP code must be 5 digits or nothing; said before asking Rally, which would refuse it too. */
export function surveyProblem(profile) {
  return profile.zipCode !== undefined && !/^[0-9]{5}$/.test(profile.zipCode) ? 'A ZIP code is 5 digits.' : '';
}

/** Shows a stored profile (or an empty one) in the form. */
export function fillSurvey(profile) {
  const f = form();
  f.reset();
  if (!profile) return;
  for (const name of ['ageRange', 'gender', 'schoolLevel', 'householdIncomeRange']) {
    f.elements[name].value = profile[name] ?? '';
  }
  const hispanic = profile.hispanicLatinxSpanishOrigin;
  f.elements.hispanicLatinxSpanishOrigin.value = hispanic === true ? 'true' : hispanic === false ? 'false' : '';
  for (const box of f.querySelectorAll('input[name="races"]')) {
    box.checked = (profile.races ?? []).includes(box.value);
  }
  f.elements.zipCode.value = profile.zipCode ?? '';
}
