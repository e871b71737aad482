// Passkeys (WebAuthn) as a second factor: create one for my account, and prove it's me with one
// (at login, or before a sensitive action). The server sends the options as JSON with base64url fields.

import { api } from '../api.js';

const toBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
};
const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export const passkeysSupported = () => typeof window.PublicKeyCredential === 'function';

/** Create a passkey and keep it on the server; resolves with the server's answer (recovery codes the first time). */
export async function addPasskey(name) {
  const options = await api.post('/api/console/me/passkeys/options', {});
  options.challenge = toBytes(options.challenge);
  options.user.id = toBytes(options.user.id);
  options.excludeCredentials = (options.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) }));
  const created = await navigator.credentials.create({ publicKey: options });
  const credential = {
    id: created.id, rawId: toText(created.rawId), type: created.type,
    response: {
      clientDataJSON: toText(created.response.clientDataJSON),
      attestationObject: toText(created.response.attestationObject),
      transports: created.response.getTransports ? created.response.getTransports() : [],
    },
    clientExtensionResults: created.getClientExtensionResults(),
  };
  return api.post('/api/console/me/passkeys', { credential, name });
}

/** Prove it's me with a passkey: optionsPath gives the challenge, checkPath takes the answer. */
export async function usePasskey(optionsPath, checkPath) {
  const options = await api.post(optionsPath, {});
  options.challenge = toBytes(options.challenge);
  options.allowCredentials = (options.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) }));
  const found = await navigator.credentials.get({ publicKey: options });
  const credential = {
    id: found.id, rawId: toText(found.rawId), type: found.type,
    response: {
      clientDataJSON: toText(found.response.clientDataJSON),
      authenticatorData: toText(found.response.authenticatorData),
      signature: toText(found.response.signature),
      userHandle: found.response.userHandle ? toText(found.response.userHandle) : null,
    },
    clientExtensionResults: found.getClientExtensionResults(),
  };
  return api.post(checkPath, { credential });
}
