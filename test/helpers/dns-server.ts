/**
 * A tiny authoritative DNS server on loopback UDP, for tests that need real DNS lookups
 * (domain verification; the CLI end-to-end path). It answers TXT queries from a table:
 *
 *   const dns = await startDnsServer({ txt: { '_roster-challenge.acme.test': ['value'] } });
 *   // point the resolver at dns.address ('127.0.0.1:PORT'), e.g. ROSTER_DNS_RESOLVER
 *   dns.setTxt('acme.test', []);   // the name exists with no TXT record: NOERROR, empty answer
 *   dns.mode = 'silent';           // never answers: the client times out
 *   await dns.close();
 *
 * Names are matched case-insensitively without a trailing dot. A name in the table with no
 * records, and any query for another type at a known name, gets NOERROR with no answer
 * ("NODATA"); an unknown name gets NXDOMAIN (RFC 1035 §4.1.1 RCODE 3). Message layout follows
 * RFC 1035 §4.1; answers point back at the question's name (§4.1.4 compression).
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export type DnsServerMode =
  /** Answer from the table. */
  | 'answer'
  /** Never answer: lookups time out. */
  | 'silent'
  /** Answer every query with SERVFAIL (RCODE 2). */
  | 'servfail'
  /** Answer every query with REFUSED (RCODE 5). */
  | 'refused';

export interface DnsQuery {
  readonly name: string;
  /** Numeric QTYPE: 16 is TXT, 1 is A... */
  readonly type: number;
}

export interface DnsServer {
  /** `127.0.0.1:PORT`, as `node:dns` `setServers` and ROSTER_DNS_RESOLVER take it. */
  readonly address: string;
  readonly port: number;
  mode: DnsServerMode;
  /** Every query received, in order (also in silent mode). */
  readonly queries: readonly DnsQuery[];
  /** Sets a name's TXT records (each string one record); [] makes the name exist without any. */
  setTxt(name: string, records: readonly string[]): void;
  /** Removes a name: it answers NXDOMAIN again. */
  remove(name: string): void;
  close(): Promise<void>;
}

const TYPE_TXT = 16;
const CLASS_IN = 1;
const RCODE = { noError: 0, serverFailure: 2, nameError: 3, notImplemented: 4, refused: 5 };

const normalize = (name: string) => name.toLowerCase().replace(/\.$/, '');

interface Question {
  readonly id: number;
  readonly flags: number;
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  /** The question section as received, echoed in the response. */
  readonly section: Buffer;
}

function parseQuery(message: Buffer): Question | undefined {
  if (message.length < 12) return undefined;
  const flags = message.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (message.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    const length = message[offset];
    if (length === undefined || length > 63) return undefined; // truncated, or compressed
    offset += 1;
    if (length === 0) break;
    if (offset + length > message.length) return undefined;
    labels.push(message.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > message.length) return undefined;
  return {
    id: message.readUInt16BE(0),
    flags,
    name: normalize(labels.join('.')),
    type: message.readUInt16BE(offset),
    qclass: message.readUInt16BE(offset + 2),
    section: message.subarray(12, offset + 4),
  };
}

/** RDATA of one TXT record: the value as character-strings of at most 255 bytes (§3.3.14). */
function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let start = 0; start < bytes.length || parts.length === 0; start += 255) {
    const chunk = bytes.subarray(start, start + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

function response(question: Question, rcode: number, answers: readonly string[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(question.id, 0);
  const opcode = question.flags & 0x7800;
  const recursionDesired = question.flags & 0x0100;
  // QR, the query's opcode, AA, RD echoed, RA, and the response code.
  header.writeUInt16BE(0x8000 | opcode | 0x0400 | recursionDesired | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((value) => {
    const rdata = txtRdata(value);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name at offset 12
    fixed.writeUInt16BE(TYPE_TXT, 2);
    fixed.writeUInt16BE(CLASS_IN, 4);
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  return Buffer.concat([header, question.section, ...records]);
}

export async function startDnsServer(
  options: { txt?: Readonly<Record<string, readonly string[]>>; mode?: DnsServerMode } = {},
): Promise<DnsServer> {
  const table = new Map<string, readonly string[]>();
  for (const [name, records] of Object.entries(options.txt ?? {})) {
    table.set(normalize(name), [...records]);
  }
  const queries: DnsQuery[] = [];
  const socket = createSocket('udp4');

  const server: DnsServer = {
    address: '',
    port: 0,
    mode: options.mode ?? 'answer',
    queries,
    setTxt(name, records) {
      table.set(normalize(name), [...records]);
    },
    remove(name) {
      table.delete(normalize(name));
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };

  const answer = (question: Question): Buffer | undefined => {
    if (server.mode === 'silent') return undefined;
    if (server.mode === 'servfail') return response(question, RCODE.serverFailure, []);
    if (server.mode === 'refused') return response(question, RCODE.refused, []);
    if ((question.flags & 0x7800) !== 0) return response(question, RCODE.notImplemented, []);
    const records = table.get(question.name);
    if (records === undefined) return response(question, RCODE.nameError, []);
    const wanted = question.type === TYPE_TXT && question.qclass === CLASS_IN;
    return response(question, RCODE.noError, wanted ? records : []);
  };

  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    const question = parseQuery(message);
    if (!question) return;
    queries.push({ name: question.name, type: question.type });
    const reply = answer(question);
    if (reply) socket.send(reply, from.port, from.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();
  Object.assign(server, { port, address: `127.0.0.1:${port}` });
  return server;
}
