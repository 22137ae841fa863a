/**
 * Distinguished names (RFC 5280 §4.1.2.4): read from their exact DER, shown as RFC 4514 text, and
 * compared the way path building needs. Also reads the identity numbers Vietnamese CAs put in the
 * subject (docs/pki.md, "Identity numbers in the subject"):
 *
 * - public CAs (VNPT-CA, Viettel-CA, FPT-CA, …) write them in `UID` (0.9.2342.19200300.100.1.1)
 *   as `PREFIX:number` — `CCCD:` (thẻ căn cước công dân), `CMND:` (chứng minh nhân dân), `HC:`
 *   (hộ chiếu), `MST:` (mã số thuế), `MNS:` (mã quan hệ ngân sách) — one UID per number, so a
 *   staff certificate of an organisation can carry both `MST:` and `CCCD:`;
 * - some write the same `PREFIX:number` in `serialNumber` (2.5.4.5), or follow ETSI EN 319 412-1
 *   §5.1.3–5.1.4 (`IDCVN-…`, `PASVN-…`, `TINVN-…` in serialNumber, `VATVN-…` in
 *   organizationIdentifier 2.5.4.97);
 * - some remote-signing certificates put the bare number in UID (`UID=001089020747`): read as
 *   CCCD (12 digits), CMND (9) or MST (10, or 10-3 for a branch);
 * - certificates of the government's public-duty CA often carry no number at all: the person is
 *   named by CN and the unit by O/OU (`O=UBND tỉnh …, OU=Trường THCS …`), with an e-mail address.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from './bytes.js';
import { childrenOf, derOid, derSequence, oidText, readOnly, tlv, TAG, derSetOf, tlvBytes, type Tlv } from './der.js';
import { pkiError, type PkiError } from './errors.js';

/** Attribute types by short name: the ones Vietnamese CAs use, and a few more. */
export const NAME_ATTRIBUTES = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  street: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  telephoneNumber: '2.5.4.20',
  GN: '2.5.4.42',
  organizationIdentifier: '2.5.4.97',
  UID: '0.9.2342.19200300.100.1.1',
  DC: '0.9.2342.19200300.100.1.25',
  E: '1.2.840.113549.1.9.1',
} as const;

export type NameAttributeName = keyof typeof NAME_ATTRIBUTES;

const SHORT_BY_OID = new Map<string, NameAttributeName>(
  Object.entries(NAME_ATTRIBUTES).map(([k, v]) => [v, k as NameAttributeName]),
);

/** One attribute of a name, in the order the name lists them. */
export interface NameAttribute {
  readonly oid: string;
  /** The short name (`CN`, `O`, `UID`, …) when known. */
  readonly name?: NameAttributeName;
  readonly value: string;
  /** The index of the RDN (SET) it belongs to. */
  readonly rdn: number;
}

/**
 * An identity number found in a subject: `scheme` is the prefix as written (`CCCD`, `CMND`, `CC`,
 * `HC`, `MST`, `MNS`, `BHXH`…), ETSI semantics identifiers mapped to the same words (`IDC` → `CCCD`
 * when 12 digits, else `CMND`; `PAS` → `HC`; `TIN`/`VAT` → `MST`).
 */
export interface IdentityNumber {
  readonly scheme: string;
  readonly value: string;
  /** The attribute that carried it. */
  readonly attribute: 'UID' | 'serialNumber' | 'organizationIdentifier';
  readonly raw: string;
}

export interface DistinguishedName {
  /** The exact DER, as the certificate encodes it (what signatures and issuer matching use). */
  readonly der: Uint8Array;
  readonly attributes: readonly NameAttribute[];
  /** RFC 4514 text, most specific first: `CN=Nguyễn Văn An,O=Trường THCS …,C=VN`. */
  readonly text: string;
  /** The first value of each short-named attribute; UID, OU and the like may repeat: see `all`. */
  readonly commonName?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly locality?: string;
  readonly state?: string;
  readonly country?: string;
  readonly email?: string;
  readonly title?: string;
  readonly identities: readonly IdentityNumber[];
}

/** Every value of an attribute, in order. */
export function nameValues(n: DistinguishedName, attr: NameAttributeName): string[] {
  const oid = NAME_ATTRIBUTES[attr];
  return n.attributes.filter((a) => a.oid === oid).map((a) => a.value);
}

/** The personal identity number (CCCD, then CC, then CMND), if the subject carries one. */
export function personalIdNumber(n: DistinguishedName): IdentityNumber | undefined {
  for (const s of ['CCCD', 'CC', 'CMND']) for (const i of n.identities) if (i.scheme === s) return i;
  return undefined;
}

/** The tax code (MST) of an organisation's certificate, if the subject carries one. */
export function taxCode(n: DistinguishedName): IdentityNumber | undefined {
  return n.identities.find((i) => i.scheme === 'MST');
}

function decodeString(b: Uint8Array, t: Tlv): string | undefined {
  const c = b.subarray(t.contentStart, t.end);
  switch (t.tag) {
    case 0x0c: // UTF8String
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(c);
      } catch {
        return undefined;
      }
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x12: // NumericString
    case 0x14: // TeletexString, read as Latin-1 (what issuers that use it mean in practice)
      return String.fromCharCode(...c);
    case 0x1e: {
      // BMPString: UTF-16BE
      if (c.length % 2) return undefined;
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      if (c.length % 4) return undefined;
      let s = '';
      for (let i = 0; i < c.length; i += 4)
        s += String.fromCodePoint(((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0);
      return s;
    }
    default:
      return undefined;
  }
}

function escape4514(v: string): string {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (s.startsWith('#') || s.startsWith(' ')) s = `\\${s}`;
  if (s.endsWith(' ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

const PREFIXED = /^([A-Za-z]{2,6})\s*:\s*(\S.*)$/;
const ETSI = /^([A-Z]{3})([A-Z]{2})-(.+)$/;

function identityOf(attr: IdentityNumber['attribute'], raw: string): IdentityNumber | undefined {
  const p = PREFIXED.exec(raw);
  if (p) return { scheme: p[1]!.toUpperCase(), value: p[2]!.trim(), attribute: attr, raw };
  const e = ETSI.exec(raw);
  if (e && e[2] === 'VN') {
    const v = e[3]!;
    const scheme =
      e[1] === 'IDC'
        ? /^\d{12}$/.test(v)
          ? 'CCCD'
          : 'CMND'
        : e[1] === 'PAS'
          ? 'HC'
          : e[1] === 'TIN' || e[1] === 'VAT'
            ? 'MST'
            : e[1]!;
    return { scheme, value: v, attribute: attr, raw };
  }
  // Some remote-signing certificates carry the bare number in UID: 12 digits are a CCCD, 9 a
  // CMND, 10 (or 10-3 for a branch) a tax code.
  if (attr === 'UID') {
    const n = raw.trim();
    if (/^\d{12}$/.test(n)) return { scheme: 'CCCD', value: n, attribute: attr, raw };
    if (/^\d{9}$/.test(n)) return { scheme: 'CMND', value: n, attribute: attr, raw };
    if (/^\d{10}(-\d{3})?$/.test(n)) return { scheme: 'MST', value: n, attribute: attr, raw };
  }
  return undefined;
}

/** Read a Name from its DER (the whole TLV). */
export function decodeName(der: Uint8Array, path: ReadonlyArray<string | number>): Either<PkiError, DistinguishedName> {
  const bad = (why: string) =>
    left(
      pkiError('malformed-der', `the name cannot be read: ${why}`, `Không đọc được tên phân biệt: ${why}`, {
        path,
        rule: 'RFC 5280 §4.1.2.4',
      }),
    );
  const seq = readOnly(der);
  if (seq === undefined || seq.tag !== TAG.SEQUENCE) return bad('not a SEQUENCE');
  const rdns = childrenOf(der, seq);
  if (rdns === undefined) return bad('bad lengths');
  const attributes: NameAttribute[] = [];
  for (let i = 0; i < rdns.length; i++) {
    const rdn = rdns[i]!;
    if (rdn.tag !== TAG.SET) return bad(`RDN ${i} is not a SET`);
    for (const atv of childrenOf(der, rdn) ?? []) {
      const parts = atv.tag === TAG.SEQUENCE ? childrenOf(der, atv) : undefined;
      if (parts?.length !== 2 || parts[0]!.tag !== TAG.OID) return bad(`RDN ${i} has a malformed attribute`);
      const oid = oidText(der.subarray(parts[0]!.contentStart, parts[0]!.end));
      if (oid === undefined) return bad(`RDN ${i} has a malformed attribute type`);
      const value = decodeString(der, parts[1]!) ?? `#${toHex(tlvBytes(der, parts[1]!))}`;
      const name = SHORT_BY_OID.get(oid);
      attributes.push(name === undefined ? { oid, value, rdn: i } : { oid, name, value, rdn: i });
    }
  }
  const first = (n: NameAttributeName) => attributes.find((a) => a.oid === NAME_ATTRIBUTES[n])?.value;
  const rdnTexts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--)
    rdnTexts.push(
      attributes
        .filter((a) => a.rdn === i)
        .map(
          (a) =>
            `${a.name ?? a.oid}=${a.value.startsWith('#') && a.name === undefined ? a.value : escape4514(a.value)}`,
        )
        .join('+'),
    );
  const identities: IdentityNumber[] = [];
  for (const a of attributes) {
    if (a.name === 'UID' || a.name === 'serialNumber' || a.name === 'organizationIdentifier') {
      const id = identityOf(a.name, a.value);
      if (id) identities.push(id);
    }
  }
  const n: { -readonly [K in keyof DistinguishedName]: DistinguishedName[K] } = {
    der,
    attributes,
    text: rdnTexts.join(','),
    identities,
  };
  const set = <K extends keyof DistinguishedName>(k: K, v: DistinguishedName[K] | undefined) => {
    if (v !== undefined) n[k] = v;
  };
  set('commonName', first('CN'));
  set('organization', first('O'));
  set('organizationalUnit', first('OU'));
  set('locality', first('L'));
  set('state', first('ST'));
  set('country', first('C'));
  set('email', first('E'));
  set('title', first('T'));
  return right(n);
}

/** RFC 5280 §7.1 comparison, simplified: the same DER, or the same attributes with case and inner spaces folded. */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  if (bytesEqual(a.der, b.der)) return true;
  if (a.attributes.length !== b.attributes.length) return false;
  const fold = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return a.attributes.every((x, i) => {
    const y = b.attributes[i]!;
    return x.oid === y.oid && x.rdn === y.rdn && fold(x.value) === fold(y.value);
  });
}

/** One attribute to put in a name: a short name or an OID, and its value. */
export interface NameInput {
  /** A short name ({@link NameAttributeName}) or a dotted OID. */
  readonly type: string;
  readonly value: string;
}

/**
 * DER of a name, one attribute per RDN, in the order given (most general first, `C` before
 * `CN`, as certificates list them). Values are UTF8String, except `C` and `serialNumber`
 * (PrintableString, RFC 5280 Appendix A) and `E` (IA5String).
 */
export function encodeName(attrs: readonly NameInput[]): Uint8Array {
  const enc = new TextEncoder();
  return derSequence(
    ...attrs.map((a) => {
      const oid = (NAME_ATTRIBUTES as Record<string, string>)[a.type] ?? a.type;
      const tag =
        oid === NAME_ATTRIBUTES.C || oid === NAME_ATTRIBUTES.serialNumber
          ? 0x13
          : oid === NAME_ATTRIBUTES.E
            ? 0x16
            : 0x0c;
      return derSetOf([derSequence(derOid(oid), tlv(tag, enc.encode(a.value)))]);
    }),
  );
}
