/**
 * What a certificate's key signs besides an act: fixed, domain-tagged statements, so that a
 * signature made for one purpose can never be replayed as another (a binding as a key consent, a
 * statement of one ledger in another). Each is the tag, then the RFC 8785 canonical JSON of its
 * fields, in UTF-8.
 */
import { canonicalize, utf8 } from '@hoso/core';

/** Tag of the statement a certificate's key signs to be bound to a person. */
export const CERTIFICATE_BINDING_TAG = 'hoso/certificate-binding/v1\n';
/** Tag of the statement a certificate's key signs to consent to a ledger key of its person. */
export const KEY_CONSENT_TAG = 'hoso/key-consent/v1\n';

/**
 * The bytes a `CertificateBound` proof signs: the person consents to being known by the
 * certificate `certificate` (its SHA-256, hex) in `ledger`.
 */
export function certificateBindingStatement(ledger: string, person: string, certificate: string): Uint8Array {
  return utf8(CERTIFICATE_BINDING_TAG + canonicalize({ ledger, person, certificate }));
}

/** The bytes a `ConsentByCertificate` signs: the person consents to the ledger key `key` (base64url). */
export function keyConsentStatement(ledger: string, person: string, key: string): Uint8Array {
  return utf8(KEY_CONSENT_TAG + canonicalize({ ledger, person, key }));
}
