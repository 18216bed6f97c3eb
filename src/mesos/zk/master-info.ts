import { isIP } from 'node:net';
import { MesosDnsError, errorMessage } from '../../errors.js';
import { joinHostPort } from '../../net/host-port.js';

/** The encoding of a master's znode: `json.info_N` holds JSON, legacy `info_N` a protobuf `MasterInfo`. */
export type MasterInfoKind = 'json' | 'protobuf';

/** A master as its znode describes it. */
export interface MasterInfo {
  /** the master's id, for de-duplication */
  id: string;
  /** `host:port` */
  address: string;
}

const LEGACY_DEFAULT_PORT = 5050;
const MAX_UINT32 = 0xffffffff;

/**
 * Decodes a `MasterInfo` znode; data that describes no usable master (it comes
 * from whatever wrote the znode) throws `MESOS_DNS_ZK_BAD_MASTER_INFO`. The address comes from `address` when present, else from the legacy
 * `ip` (a uint32 holding the IPv4 bytes in network order, read by Go in the
 * little-endian host order, so `16777343` is 127.0.0.1) and `port` (default 5050).
 * Unlike Go, an address whose ip is empty or not an IP literal is refused rather
 * than passed on to crash the record generator.
 */
export function decodeMasterInfo(data: Buffer, kind: MasterInfoKind): MasterInfo {
  return toAddress(kind === 'json' ? fromJson(data) : fromProtobuf(data));
}

function bad(reason: string): never {
  throw new MesosDnsError('MESOS_DNS_ZK_BAD_MASTER_INFO', reason);
}

interface RawMasterInfo {
  id: string;
  ip?: number;
  port?: number;
  address?: { ip?: string; port?: number };
}

function toAddress(info: RawMasterInfo): MasterInfo {
  if (info.address !== undefined) {
    const ip = info.address.ip ?? '';
    if (isIP(ip) === 0) return bad(`address.ip "${ip}" is not an IP address`);
    return { id: info.id, address: joinHostPort(ip, info.address.port ?? 0) };
  }
  if (info.ip === undefined) return bad('neither address nor ip is present');
  const ip = info.ip;
  const dotted = [ip & 0xff, (ip >>> 8) & 0xff, (ip >>> 16) & 0xff, ip >>> 24].join('.');
  return { id: info.id, address: `${dotted}:${info.port ?? LEGACY_DEFAULT_PORT}` };
}

function fromJson(data: Buffer): RawMasterInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return bad(`invalid JSON: ${errorMessage(err)}`);
  }
  if (!isObject(doc)) return bad('JSON MasterInfo is not an object');
  const info: RawMasterInfo = { id: typeof doc.id === 'string' ? doc.id : '' };
  if (doc.ip !== undefined) {
    if (!isUint(doc.ip, MAX_UINT32)) return bad('ip is not a uint32');
    info.ip = doc.ip;
  }
  if (doc.port !== undefined) {
    if (!isUint(doc.port, MAX_UINT32)) return bad('port is not a uint32');
    info.port = doc.port;
  }
  if (doc.address !== undefined) {
    const a = doc.address;
    if (!isObject(a)) return bad('address is not an object');
    if (a.ip !== undefined && typeof a.ip !== 'string') return bad('address.ip is not a string');
    if (a.port !== undefined && !isUint(a.port, 65535)) return bad('address.port is not a port number');
    info.address = { ip: a.ip as string | undefined, port: a.port as number | undefined };
  }
  return info;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

// mesos.proto: MasterInfo { string id = 1; uint32 ip = 2; uint32 port = 3; ...; Address address = 7 }
// and Address { string hostname = 1; string ip = 2; int32 port = 3 }.
function fromProtobuf(data: Buffer): RawMasterInfo {
  const top = readMessage(data);
  const id = top.get(1);
  if (!(id instanceof Buffer)) return bad('protobuf MasterInfo has no id');
  const info: RawMasterInfo = { id: id.toString('utf8') };
  const ip = top.get(2);
  if (typeof ip === 'bigint') info.ip = Number(ip & 0xffffffffn);
  const port = top.get(3);
  if (typeof port === 'bigint') info.port = Number(port & 0xffffffffn);
  const address = top.get(7);
  if (address instanceof Buffer) {
    const a = readMessage(address);
    const aip = a.get(2);
    const aport = a.get(3);
    info.address = {
      ip: aip instanceof Buffer ? aip.toString('utf8') : undefined,
      port: typeof aport === 'bigint' ? Number(BigInt.asIntN(32, aport)) : undefined,
    };
    if (info.address.port !== undefined && (info.address.port < 0 || info.address.port > 65535)) {
      return bad('address.port is not a port number');
    }
  }
  return info;
}

type FieldValue = bigint | Buffer;

/** A minimal protobuf reader: the last value of each field number (proto2 semantics for scalars). */
function readMessage(buf: Buffer): Map<number, FieldValue> {
  const fields = new Map<number, FieldValue>();
  let pos = 0;
  const varint = (): bigint | undefined => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) return undefined;
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    return undefined;
  };
  while (pos < buf.length) {
    const key = varint();
    if (key === undefined) return bad('truncated protobuf field key');
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) return bad('protobuf field number 0');
    if (wire === 0) {
      const v = varint();
      if (v === undefined) return bad('truncated protobuf varint');
      fields.set(field, v);
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined || BigInt(pos) + len > BigInt(buf.length)) return bad('truncated protobuf bytes');
      fields.set(field, buf.subarray(pos, pos + Number(len)));
      pos += Number(len);
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > buf.length) return bad('truncated protobuf fixed field');
      pos += size;
    } else {
      return bad(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}
