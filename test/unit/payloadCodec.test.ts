// The Temporal payload codec and its keys: AES-256-GCM round trips, rotation, refusals,
// and the pass-through of payloads written before encryption.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError } from '../../config/env';
import { localPayloadKeys, payloadKeysFromEnv, requirePayloadKeys } from '../../config/payloadKeys';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptError } from '../../shared/payloadCodec';
import { newPayloadKeySpec, parsePayloadKeys } from '../../shared/payloadKeys';

const OLD = newPayloadKeySpec(new Date('2026-01-01T00:00:00Z'));
const NEW = newPayloadKeySpec(new Date('2026-12-01T00:00:00Z'));
const CASE = { caseNo: 'CS-20261201-000001', customer: { name: '张三', phone: '+86 138 0013 8000', address: '上海市浦东新区世纪大道100号' } };
const clear = (): Payload => defaultPayloadConverter.toPayload(CASE);
const text = (p: Payload) => Buffer.concat([...Object.values(p.metadata ?? {}).map((v) => Buffer.from(v)), Buffer.from(p.data ?? [])]);
const meta = (p: Payload, k: string) => Buffer.from(p.metadata![k]!).toString();

describe('payload codec', () => {
  test('round trip: the encrypted payload names its key and encoding and holds nothing in clear', async () => {
    const keys = parsePayloadKeys(NEW);
    const codec = new AesGcmPayloadCodec(keys);
    const [encrypted] = await codec.encode([clear()]);
    expect(meta(encrypted!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(encrypted!, KEY_ID_METADATA)).toBe(keys[0].id);
    for (const secret of ['张三', '13800138000', '0013 8000', '世纪大道', 'json/plain', 'caseNo'])
      expect(text(encrypted!).includes(Buffer.from(secret))).toBe(false);
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(CASE);
    expect(meta(decoded!, 'encoding')).toBe('json/plain');
  });

  test('a fresh IV per payload: the same value encrypts differently each time', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(NEW));
    const [a, b] = await codec.encode([clear(), clear()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  test('rotation: the first key encrypts, an older key still decrypts what it encrypted', async () => {
    const [before] = await new AesGcmPayloadCodec(parsePayloadKeys(OLD)).encode([clear()]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeys(`${NEW},${OLD}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([before!]))[0]!)).toEqual(CASE);
    const [after] = await rotated.encode([clear()]);
    expect(meta(after!, KEY_ID_METADATA)).toBe(parsePayloadKeys(NEW)[0].id);
  });

  test('a key id not configured is a clear error naming it', async () => {
    const [encrypted] = await new AesGcmPayloadCodec(parsePayloadKeys(OLD)).encode([clear()]);
    const id = parsePayloadKeys(OLD)[0].id;
    const decoding = new AesGcmPayloadCodec(parsePayloadKeys(NEW)).decode([encrypted!]);
    await expect(decoding).rejects.toThrow(PayloadDecryptError);
    await expect(decoding).rejects.toThrow(`payload encrypted with key "${id}", which is not among the configured payload keys`);
  });

  test('tampered ciphertext, tag or key id fails authentication', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`${NEW},${OLD}`));
    const [encrypted] = await codec.encode([clear()]);
    const flip = (at: number) => {
      const data = Buffer.from(encrypted!.data!);
      data[at] = data[at]! ^ 1;
      return { metadata: encrypted!.metadata, data };
    };
    for (const at of [0, 20, Buffer.from(encrypted!.data!).length - 1]) {
      await expect(codec.decode([flip(at)])).rejects.toThrow(/failed authentication/);
    }
    // Relabelled with the other configured key's id: the key id is authenticated data.
    const relabelled = { metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from(parsePayloadKeys(OLD)[0].id) }, data: encrypted!.data };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ metadata: encrypted!.metadata, data: new Uint8Array(10) }])).rejects.toThrow(/too short/);
  });

  test('payloads that are not encrypted pass through decode unchanged (histories from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(NEW));
    const plain = [clear(), defaultPayloadConverter.toPayload(null), defaultPayloadConverter.toPayload(new Uint8Array([1, 2]))];
    const decoded = await codec.decode(plain);
    decoded.forEach((p, i) => expect(p).toBe(plain[i]));
  });
});

describe('payload keys', () => {
  test('id:base64key entries, by comma or line; the first encrypts', () => {
    const keys = parsePayloadKeys(`${NEW}\n# retired soon\n${OLD}`);
    expect(keys.map((k) => k.key.length)).toEqual([32, 32]);
    expect(keys[0].id).toBe(NEW.split(':')[0]);
    expect(parsePayloadKeys(`${NEW},${OLD}`).map((k) => k.id)).toEqual(keys.map((k) => k.id));
  });

  test('malformed keys are refused without echoing the key', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    expect(() => parsePayloadKeys('')).toThrow('PAYLOAD_KEYS: no key given');
    expect(() => parsePayloadKeys(`k1:${short}`)).toThrow('key "k1" must be 32 bytes in base64 (AES-256), got 16');
    expect(() => parsePayloadKeys(Buffer.alloc(32).toString('base64'))).toThrow('entry 1 needs the form id:base64key');
    expect(() => parsePayloadKeys(`bad id:${short}`)).toThrow('entry 1 needs the form');
    expect(() => parsePayloadKeys(`${NEW},${NEW}`)).toThrow('a key id appears twice');
    try {
      parsePayloadKeys(`k1:${short}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });

  test('from PAYLOAD_KEYS or PAYLOAD_KEYS_FILE; required outside the embedded default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-keys-'));
    const file = path.join(dir, 'keys');
    fs.writeFileSync(file, `${NEW}\n${OLD}\n`);
    expect(payloadKeysFromEnv({ PAYLOAD_KEYS_FILE: file })!.length).toBe(2);
    expect(payloadKeysFromEnv({ PAYLOAD_KEYS: OLD, PAYLOAD_KEYS_FILE: file })!.length).toBe(1);
    expect(payloadKeysFromEnv({})).toBeUndefined();
    expect(() => requirePayloadKeys({})).toThrow(ConfigError);
    expect(() => requirePayloadKeys({})).toThrow(/PAYLOAD_KEYS or PAYLOAD_KEYS_FILE is required/);
    expect(() => payloadKeysFromEnv({ PAYLOAD_KEYS_FILE: path.join(dir, 'missing') })).toThrow('PAYLOAD_KEYS_FILE: cannot read');
    expect(() => payloadKeysFromEnv({ PAYLOAD_KEYS: 'k1:abc' })).toThrow(ConfigError);
  });

  test('the embedded default generates one key into DATA_DIR once and keeps it (mode 600)', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-data-'));
    const first = localPayloadKeys({ DATA_DIR: dataDir });
    const again = localPayloadKeys({ DATA_DIR: dataDir });
    expect(again[0].id).toBe(first[0].id);
    expect(again[0].key.equals(first[0].key)).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'payload-keys')).mode & 0o777).toBe(0o600);
    // Keys in the environment win over the generated one.
    expect(localPayloadKeys({ DATA_DIR: dataDir, PAYLOAD_KEYS: OLD })[0].id).toBe(parsePayloadKeys(OLD)[0].id);
  });
});
