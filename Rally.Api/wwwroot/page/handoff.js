// One participant per browser: a study add-on's content script, running on this page, asks for the participant's
// credential with window.postMessage, and the page answers only once the participant has confirmed, here, that this
// add-on (by its id, as the study's card names it) may act for it. The protocol (clients/js/README.md, docs/page.md):
//   request  { type: 'rally:credential-request', addOnId, nonce }
//   answers  { type: 'rally:credential', nonce, participantId, token } or { type: 'rally:credential-refused', nonce }
// Only messages from this very window on this origin are read: a content script posts from the page's own window,
// while another site, a frame or a popup cannot.
import { byId, fill, h } from './dom.js';

const REQUEST = 'rally:credential-request';
const MAX_FIELD = 200;

/**
 * Starts answering add-ons. `credential()` is the participant's `{ participantId, token }` or undefined (a request
 * waits until the visitor has joined); `studies()` the cards of the studies the participant is enrolled in.
 * @returns {{ retry: () => void }} call `retry` when the credential or the cards change
 */
export function answerAddOns({ credential, studies }) {
  const waiting = [];
  let asking = false;

  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || event.source !== window) return;
    const message = event.data;
    if (!message || typeof message !== 'object' || message.type !== REQUEST) return;
    if (!isField(message.nonce)) return; // nothing to answer to
    if (!isField(message.addOnId)) {
      refuse(message.nonce);
      return;
    }
    waiting.push({ addOnId: message.addOnId, nonce: message.nonce });
    next();
  });

  async function next() {
    if (asking || waiting.length === 0 || !credential()) return;
    const request = waiting.shift();
    const cards = studies().filter((s) => s.addOn?.id === request.addOnId);
    if (cards.length === 0) {
      // No study the participant takes part in names this add-on: nothing it could act for, nothing to check it against.
      refuse(request.nonce);
      next();
      return;
    }
    asking = true;
    try {
      const allowed = await confirmAddOn(request.addOnId, cards);
      const current = credential();
      if (allowed && current) {
        window.postMessage({ type: 'rally:credential', nonce: request.nonce, participantId: current.participantId, token: current.token },
          location.origin);
      } else {
        refuse(request.nonce);
      }
    } finally {
      asking = false;
    }
    next();
  }

  return { retry: next };
}

function isField(value) {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD;
}

function refuse(nonce) {
  window.postMessage({ type: 'rally:credential-refused', nonce }, location.origin);
}

/** Asks the participant, in a modal dialog; Escape or closing it refuses. Resolves to true only on "Allow". */
function confirmAddOn(addOnId, cards) {
  const dialog = byId('handoff');
  fill(byId('handoff-what'), 'The add-on ', h('code', {}, addOnId), ' asks to act for you in Rally, as the add-on of ',
    cards.map((c) => c.name).join(', '), '.');
  fill(byId('handoff-addon'), h('code', {}, addOnId));
  fill(byId('handoff-study'), cards.map((c) => `${c.name} (by ${c.partner})`).join(', '));
  const previous = document.activeElement;
  return new Promise((resolve) => {
    const allow = byId('handoff-allow');
    const refuseButton = byId('handoff-refuse');
    const onAllow = () => dialog.close('allow');
    const onRefuse = () => dialog.close('refuse');
    dialog.addEventListener('close', () => {
      allow.removeEventListener('click', onAllow);
      refuseButton.removeEventListener('click', onRefuse);
      if (previous instanceof HTMLElement) previous.focus();
      resolve(dialog.returnValue === 'allow');
    }, { once: true });
    allow.addEventListener('click', onAllow);
    refuseButton.addEventListener('click', onRefuse);
    dialog.returnValue = '';
    dialog.showModal();
    refuseButton.focus(); // the safe choice is the one Enter takes
  });
}
