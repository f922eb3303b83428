import { call } from './http.js';
import { NoticeStream } from './notices.js';

/**
 * The calls a participant makes about itself (everything under `/v1/me`), for the participant page and for add-ons.
 * Made by {@link RallyParticipant} or reached as `rally.participant`. Every call sends the token in the
 * `Authorization` header and throws a `RallyError` (carrying Rally's problem) when refused.
 */
export class RallyParticipant {
  #client;
  #token;
  #notices;
  #noticeAuth;

  /**
   * @param {{ baseUrl: string, token: string, fetch?: typeof fetch, noticeAuth?: 'auto' | 'ticket' | 'header' }} options
   */
  constructor({ baseUrl, token, fetch, noticeAuth = 'auto' }) {
    if (!baseUrl || !token) {
      throw new TypeError('RallyParticipant needs baseUrl and token.');
    }
    this.#client = { baseUrl, fetch };
    this.#token = token;
    this.#noticeAuth = noticeAuth;
  }

  get baseUrl() {
    return this.#client.baseUrl;
  }

  /** `GET /v1/me`: `{ participantId, status, joinedAt, platformConsentVersion, hasProfile, enrollments, notices }`. */
  me() {
    return this.#call('GET', '/v1/me');
  }

  /** The notices not yet acknowledged, oldest first (the inbox; the same list `me()` carries). */
  async notices() {
    return (await this.me()).notices;
  }

  /** `GET /v1/me/profile`: the demographic profile, or `null` when none was given. */
  profile() {
    return this.#call('GET', '/v1/me/profile', { notFoundAsNull: true });
  }

  /** `PUT /v1/me/profile`: replaces the whole profile (every field optional); answers it as stored. */
  putProfile(profile) {
    return this.#call('PUT', '/v1/me/profile', { body: profile ?? {} });
  }

  /** `DELETE /v1/me/profile`. */
  async deleteProfile() {
    await this.#call('DELETE', '/v1/me/profile');
  }

  /**
   * `POST /v1/me/enrollments`: consents to a study with the consent version the person was shown (never one read and
   * accepted unseen). Answers the enrollment.
   *
   * @param {string} studyId
   * @param {{ consentVersion: string, shareDemographics?: boolean, privateBrowsingAcknowledged?: boolean }} consent
   */
  enroll(studyId, { consentVersion, shareDemographics = false, privateBrowsingAcknowledged = false }) {
    if (!consentVersion) {
      throw new TypeError('enroll needs the consentVersion the participant read.');
    }
    return this.#call('POST', '/v1/me/enrollments', {
      body: { studyId, consentVersion, shareDemographics, privateBrowsingAcknowledged },
    });
  }

  /**
   * `PATCH /v1/me/enrollments/{studyId}`: shares the demographic profile with the study (its researchers read it under
   * the enrollment's pseudonym), or stops sharing it. Answers the enrollment.
   *
   * @param {string} studyId
   * @param {boolean} shareDemographics
   */
  setSharing(studyId, shareDemographics) {
    return this.#call('PATCH', `/v1/me/enrollments/${encodeURIComponent(studyId)}`, { body: { shareDemographics: Boolean(shareDemographics) } });
  }

  /** `DELETE /v1/me/enrollments/{studyId}`: `{ studyId, dataDeletion, deletionId }`. */
  leaveStudy(studyId) {
    return this.#call('DELETE', `/v1/me/enrollments/${encodeURIComponent(studyId)}`);
  }

  /** `GET /v1/me/deletions/{deletionId}`: `{ deletionId, studyId, dataDeletion, status, requestedAt, completedAt }`. */
  deletion(deletionId) {
    return this.#call('GET', `/v1/me/deletions/${encodeURIComponent(deletionId)}`);
  }

  /** `POST /v1/me/notices/{noticeId}/ack`: the notice leaves the inbox. Acknowledging one already gone is not an error. */
  async ack(noticeId) {
    await this.#call('POST', `/v1/me/notices/${encodeURIComponent(noticeId)}/ack`, { notFoundAsNull: true });
  }

  /**
   * `GET /v1/me/export`: everything Rally holds about the participant, as one JSON document; `null` where the server
   * does not offer it yet.
   */
  exportData() {
    return this.#call('GET', '/v1/me/export', { notFoundAsNull: true });
  }

  /**
   * `DELETE /v1/me`: leaves Rally for good: `{ status: 'left', leftAt, profileDeleted, studies: [{ studyId,
   * dataDeletion, deletionId }] }`. The token stops working at once; live notices stop.
   */
  async leaveRally() {
    const result = await this.#call('DELETE', '/v1/me');
    await this.#notices?.stop();
    return result;
  }

  /** Calls `callback(notice)` for each live notice (connecting on first use); returns a function that stops it. */
  onNotice(callback) {
    const stop = this.noticeStream().onNotice(callback);
    this.noticeStream().start();
    return stop;
  }

  /** The live notice connection this participant shares between its listeners (not yet started). */
  noticeStream() {
    this.#notices ??= new NoticeStream(this.#client, this.#token, this.#noticeAuth);
    return this.#notices;
  }

  /** Closes the live notice connection. */
  async close() {
    await this.#notices?.stop();
  }

  #call(method, path, options = {}) {
    return call(this.#client, method, path, { ...options, token: this.#token });
  }
}

/** `GET /v1/platform`: `{ platformConsentVersion, eligibility }` (anyone). */
export function platform({ baseUrl, fetch }) {
  return call({ baseUrl, fetch }, 'GET', '/v1/platform');
}

/** `GET /v1/studies`: the cards of enrolling and ended studies (anyone). */
export function studies({ baseUrl, fetch }) {
  return call({ baseUrl, fetch }, 'GET', '/v1/studies');
}

/** `GET /v1/studies/{studyId}`: one study's card and where it stands (anyone). */
export function study({ baseUrl, fetch, studyId }) {
  return call({ baseUrl, fetch }, 'GET', `/v1/studies/${encodeURIComponent(studyId)}`);
}
