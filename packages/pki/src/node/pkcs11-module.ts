/**
 * One loaded PKCS #11 module per library path in a process, initialised once and finalised when
 * its last user closes (PKCS #11 v2.40 §5.4: C_Initialize may be called once per process), and
 * the Cryptoki return codes this package turns into typed errors.
 */
import type Pkcs11Js from 'pkcs11js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';

/** The binding's module: its PKCS11 class and the CK* constants. */
export type Pkcs11Binding = typeof Pkcs11Js;
export type Pkcs11 = InstanceType<Pkcs11Binding['PKCS11']>;

let bound: Pkcs11Binding | undefined;

/**
 * The pkcs11js binding, loaded on first use: it is a native addon, and a project that never
 * opens a token (or that did not allow its install script) must still be able to import
 * `@hoso/pki/node`.
 */
export async function loadBinding(): Promise<Either<PkiError, Pkcs11Binding>> {
  if (bound) return right(bound);
  try {
    const m = (await import('pkcs11js')) as { default?: Pkcs11Binding } & Pkcs11Binding;
    bound = m.default ?? m;
    return right(bound);
  } catch (e) {
    return left(
      pkiError(
        'token-error',
        `the PKCS #11 binding (pkcs11js) cannot be loaded: ${thrownText(e)}; install it with its install script allowed`,
        'Không nạp được thư viện pkcs11js để dùng thiết bị ký (token)',
        { path: ['library'], details: { package: 'pkcs11js' } },
      ),
    );
  }
}

/** The binding, once {@link acquireModule} has loaded it. */
export function binding(): Pkcs11Binding {
  if (!bound) throw new Error('pkcs11js used before acquireModule loaded it');
  return bound;
}

interface Loaded {
  readonly mod: Pkcs11;
  refs: number;
}
const loaded = new Map<string, Loaded>();

/** Open (or share) the module at `library`; a Left `token-error` when it cannot be loaded or initialised. */
export async function acquireModule(library: string): Promise<Either<PkiError, Pkcs11>> {
  const b = await loadBinding();
  if (b._tag === 'Left') return b;
  const pkcs11js = b.right;
  const have = loaded.get(library);
  if (have) {
    have.refs++;
    return right(have.mod);
  }
  const mod = new pkcs11js.PKCS11();
  try {
    mod.load(library);
  } catch (e) {
    return left(
      pkiError(
        'token-error',
        `the PKCS #11 library ${library} cannot be loaded: ${thrownText(e)}`,
        `Không nạp được thư viện PKCS #11 ${library}: ${thrownText(e)}`,
        { path: ['library'], details: { library } },
      ),
    );
  }
  try {
    mod.C_Initialize();
  } catch (e) {
    if (ckr(e) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)
      return left(
        pkiError(
          'token-error',
          `the PKCS #11 library did not initialise: ${thrownText(e)}`,
          `Thư viện PKCS #11 không khởi tạo được: ${thrownText(e)}`,
          { path: ['library'], details: { library, ckr: ckr(e) } },
        ),
      );
  }
  loaded.set(library, { mod, refs: 1 });
  return right(mod);
}

/** Give the module back; the last user finalises it. */
export function releaseModule(library: string): void {
  const have = loaded.get(library);
  if (!have) return;
  if (--have.refs > 0) return;
  loaded.delete(library);
  try {
    have.mod.C_Finalize();
  } catch {
    // already finalised: nothing left to release
  }
  try {
    have.mod.close();
  } catch {
    // the library handle is gone with the process anyway
  }
}

/** The CKR_ code of a thrown Pkcs11Error (0 when it is something else). */
export function ckr(e: unknown): number {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number'
    ? (e as { code: number }).code
    : 0;
}

/** The slot whose token has this label (or serial number); labels are blank-padded to 32 bytes by PKCS #11. */
export function findSlot(
  mod: Pkcs11,
  token: { readonly label: string } | { readonly serial: string },
): Either<PkiError, Buffer> {
  const pkcs11js = binding();
  const want = 'label' in token ? token.label : token.serial;
  const seen: string[] = [];
  for (const slot of mod.C_GetSlotList(true)) {
    const info = mod.C_GetTokenInfo(slot);
    // An empty slot's token (SoftHSM2 always keeps one free) has no label worth listing.
    if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
    const have = ('label' in token ? info.label : info.serialNumber).trim();
    seen.push(have);
    if (have === want) return right(slot);
  }
  return left(
    pkiError(
      'token-not-found',
      `no token ${'label' in token ? 'labelled' : 'with serial'} "${want}" is present`,
      `Không tìm thấy thiết bị ký (token) "${want}"`,
      {
        path: ['token'],
        details: { present: seen },
      },
    ),
  );
}

/** Log in as the user, mapping wrong and locked PINs to typed errors. */
export function login(mod: Pkcs11, session: Buffer, pin: string): PkiError | undefined {
  const pkcs11js = binding();
  try {
    mod.C_Login(session, pkcs11js.CKU_USER, pin);
    return undefined;
  } catch (e) {
    const code = ckr(e);
    if (code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) return undefined;
    if (code === pkcs11js.CKR_PIN_INCORRECT || code === pkcs11js.CKR_PIN_LEN_RANGE)
      return pkiError('pin-incorrect', 'the PIN is wrong', 'Mã PIN không đúng', {
        path: ['pin'],
        details: { ckr: code },
      });
    if (code === pkcs11js.CKR_PIN_LOCKED)
      return pkiError(
        'pin-locked',
        'the PIN is locked: too many wrong attempts',
        'Mã PIN đã bị khóa do nhập sai quá nhiều lần',
        { path: ['pin'], details: { ckr: code } },
      );
    return pkiError(
      'token-error',
      `login failed: ${thrownText(e)}`,
      `Đăng nhập thiết bị ký thất bại: ${thrownText(e)}`,
      { path: ['pin'], details: { ckr: code } },
    );
  }
}

/** Every object of a class matching the attributes given. */
export function findObjects(
  mod: Pkcs11,
  session: Buffer,
  template: { type: number; value?: number | boolean | string | Buffer }[],
): Buffer[] {
  mod.C_FindObjectsInit(session, template);
  try {
    return mod.C_FindObjects(session, 100);
  } finally {
    mod.C_FindObjectsFinal(session);
  }
}
