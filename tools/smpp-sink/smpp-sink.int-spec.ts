import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as smpp from 'smpp';
import type { PDU, PduOptions, Session } from 'smpp';
import { SmppSinkClient } from '../../libs/testing/src/sinks';
import { SmppSink } from './smpp-sink';

type Bind = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';

const ESME_RINVBNDSTS = 0x04;
const ESME_RBINDFAIL = 0x0d;
const ESME_RSUBMITFAIL = 0x45;
const ESME_RTHROTTLED = 0x58;

const sessions: Session[] = [];

function connect(sink: SmppSink): Promise<Session> {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ url: `smpp://127.0.0.1:${sink.smppPort}` });
    sessions.push(session);
    session.once('error', reject);
    session.once('connect', () => {
      session.off('error', reject);
      // The sink closes its sockets on stop; that must not fail the test.
      session.on('error', () => undefined);
      resolve(session);
    });
  });
}

function request(
  session: Session,
  command: Bind | 'submit_sm' | 'enquire_link' | 'unbind',
  options: PduOptions = {},
): Promise<PDU> {
  return new Promise((resolve) => session[command](options, resolve));
}

async function bound(
  sink: SmppSink,
  bind: Bind = 'bind_transceiver',
  systemId = 'sne',
): Promise<Session> {
  const session = await connect(sink);
  const response = await request(session, bind, { system_id: systemId, password: 'secret' });
  expect(response.command_status).toBe(0);
  return session;
}

/** Collects the delivery receipts a session gets, answering each with deliver_sm_resp. */
function receipts(session: Session): PDU[] {
  const received: PDU[] = [];
  session.on('deliver_sm', (pdu) => {
    received.push(pdu);
    session.send(pdu.response());
  });
  return received;
}

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function udh8(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref, total, seq]);
}

function udh16(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]);
}

function chunks(buffer: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size) {
    parts.push(buffer.subarray(offset, offset + size));
  }
  return parts;
}

afterEach(async () => {
  await Promise.all(
    sessions
      .splice(0)
      .map((session) =>
        session.socket.destroyed
          ? Promise.resolve()
          : new Promise<void>((resolve) => session.destroy(resolve)),
      ),
  );
});

describe('SmppSink (real SMPP 3.4 and HTTP)', () => {
  const sink = new SmppSink({ smppPort: 0, apiPort: 0 });
  let client: SmppSinkClient;

  beforeAll(async () => {
    await sink.start();
    client = new SmppSinkClient(sink.apiUrl);
  });

  afterEach(async () => {
    await client.setControl({ mode: 'accept', receiptStatus: 'DELIVRD', receiptDelayMs: 50 });
    await client.clear();
  });

  afterAll(() => sink.stop());

  describe('texts, as the smpp package encodes them', () => {
    it.each([
      // 'ê' is not in GSM 03.38 (while 'é' is): the package falls back to Latin-1.
      ['Votre demande No: 057 1215 073903 10691 doit être renouvelée.', 3, 'latin1'],
      ['Votre demande No: 057 1215 073903 10691 a été renouvelée.', 1, 'gsm7'],
      ['Loyer: 350€ {charges} [incluses] ~ ^ | \\ @ $ _ Ç', 1, 'gsm7'],
      // '€' is not in Latin-1 and 'ô' not in GSM 03.38: UCS-2.
      ['é à ç € ô', 8, 'ucs2'],
      ['Rendez-vous 📅 confirmé ✔ — 10 h', 8, 'ucs2'],
    ])('gives back %j (data_coding %i, %s)', async (text, dataCoding, encoding) => {
      const session = await bound(sink);
      const response = await request(session, 'submit_sm', {
        source_addr: 'SNE',
        destination_addr: '33612345678',
        short_message: text,
      });
      expect(response.command_status).toBe(0);
      expect(response.message_id).toMatch(/^[0-9a-f-]{36}$/);

      const [message] = await client.waitForMessages(1);
      expect(message).toMatchObject({
        id: response.message_id,
        segmentIds: [response.message_id],
        systemId: 'sne',
        sourceAddr: 'SNE',
        destinationAddr: '33612345678',
        dataCoding,
        encoding,
        text,
        segments: 1,
        registeredDelivery: 0,
      });
    });

    it('decodes data_coding 0 octets by the GSM 03.38 basic and extension tables', async () => {
      const session = await bound(sink);
      const esc = (septet: number) => [0x1b, septet];
      const octets = Buffer.from([
        ...Buffer.from('Prix: 10'),
        ...esc(0x65), // €
        0x20,
        ...esc(0x3c), // [
        0x78,
        ...esc(0x3e), // ]
        ...esc(0x28), // {
        ...esc(0x29), // }
        ...esc(0x3d), // ~
        ...esc(0x14), // ^
        ...esc(0x40), // |
        ...esc(0x2f), // \
        0x20,
        0x00, // @
        0x02, // $
        0x11, // _
        0x05, // é
        0x7f, // à
        0x04, // è
        0x06, // ù
        0x09, // Ç
        0x1f, // É
        0x5f, // §
      ]);
      await request(session, 'submit_sm', {
        destination_addr: '33612345678',
        data_coding: 0,
        short_message: octets,
      });
      const [message] = await client.waitForMessages(1);
      expect(message?.text).toBe('Prix: 10€ [x]{}~^|\\ @$_éàèùÇÉ§');
      expect(message?.dataCoding).toBe(0);
    });

    it('decodes explicit data_coding 3 (Latin-1) and 8 (UCS-2)', async () => {
      const session = await bound(sink);
      await request(session, 'submit_sm', {
        destination_addr: '1',
        data_coding: 3,
        short_message: 'é à ç ô ï',
      });
      await request(session, 'submit_sm', {
        destination_addr: '2',
        data_coding: 8,
        short_message: Buffer.from('é à ç € ô', 'utf16le').swap16(),
      });
      const messages = await client.waitForMessages(2);
      expect(messages.map((m) => [m.destinationAddr, m.encoding, m.text])).toEqual([
        ['1', 'latin1', 'é à ç ô ï'],
        ['2', 'ucs2', 'é à ç € ô'],
      ]);
    });
  });

  describe('concatenated messages', () => {
    it('joins GSM segments with an 8-bit reference UDH, in segment order, an escape split between two', async () => {
      const session = await bound(sink);
      // 152 septets then '€' (escape + 0x65): the escape ends segment 1, 0x65 starts segment 2.
      const text = `${'a'.repeat(152)}€ Votre demande doit etre renouvelée, à bientot`;
      const octets = smpp.gsmCoder.encode(text, 0);
      const parts = chunks(octets, 153);
      expect(parts).toHaveLength(2);
      expect(parts[0]?.at(-1)).toBe(0x1b);
      const ids: string[] = [];
      for (const seq of [2, 1]) {
        const response = await request(session, 'submit_sm', {
          source_addr: 'SNE',
          destination_addr: '33611111111',
          data_coding: 0,
          short_message: { udh: udh8(0x2a, 2, seq), message: parts[seq - 1] ?? Buffer.alloc(0) },
        });
        ids[seq - 1] = response.message_id ?? '';
      }

      const [message] = await client.waitForMessages(1);
      expect(message).toMatchObject({ id: ids[0], segmentIds: ids, segments: 2, text });
      const pdus = await client.pdus({ to: '33611111111' });
      expect(pdus.map((pdu) => [pdu.concat, pdu.udh, pdu.esmClass & 0x40])).toEqual([
        [{ scheme: 'udh8', ref: 0x2a, total: 2, seq: 2 }, '0500032a0202', 0x40],
        [{ scheme: 'udh8', ref: 0x2a, total: 2, seq: 1 }, '0500032a0201', 0x40],
      ]);
    });

    it('joins UCS-2 segments with a 16-bit reference UDH, a surrogate pair split between two', async () => {
      const session = await bound(sink);
      const text = `${'é'.repeat(66)}😀${'ô€'.repeat(40)}`;
      const parts = chunks(Buffer.from(text, 'utf16le').swap16(), 134);
      expect(parts).toHaveLength(3);
      for (const [index, part] of parts.entries()) {
        await request(session, 'submit_sm', {
          destination_addr: '33622222222',
          data_coding: 8,
          short_message: { udh: udh16(0xbeef, parts.length, index + 1), message: part },
        });
      }
      const [message] = await client.waitForMessages(1);
      expect(message).toMatchObject({ encoding: 'ucs2', dataCoding: 8, segments: 3, text });
      expect((await client.pdus()).map((pdu) => pdu.concat?.scheme)).toEqual([
        'udh16',
        'udh16',
        'udh16',
      ]);
    });

    it('joins segments numbered by the sar_* TLVs', async () => {
      const session = await bound(sink);
      const parts = ['Votre demande ', 'doit être ', 'renouvelée.'];
      for (const [index, part] of parts.entries()) {
        await request(session, 'submit_sm', {
          destination_addr: '33633333333',
          data_coding: 3,
          short_message: part,
          sar_msg_ref_num: 0x1234,
          sar_total_segments: 3,
          sar_segment_seqnum: index + 1,
        });
      }
      const [message] = await client.waitForMessages(1);
      expect(message).toMatchObject({ text: parts.join(''), segments: 3, encoding: 'latin1' });
      expect((await client.pdus())[2]?.concat).toEqual({
        scheme: 'sar',
        ref: 0x1234,
        total: 3,
        seq: 3,
      });
    });

    it('reads a long text sent whole in the message_payload TLV', async () => {
      const session = await bound(sink);
      const text = 'Votre demande de logement social doit être renouvelée. '.repeat(8);
      await request(session, 'submit_sm', {
        destination_addr: '33644444444',
        data_coding: 3,
        message_payload: text,
      });
      const [message] = await client.waitForMessages(1);
      expect(message).toMatchObject({ text, segments: 1, encoding: 'latin1' });
      expect((await client.pdus())[0]?.payloadField).toBe('message_payload');
    });

    it('keeps messages from different references apart', async () => {
      const session = await bound(sink);
      for (const [ref, seq, part] of [
        [1, 1, 'A1 '],
        [2, 1, 'B1 '],
        [2, 2, 'B2'],
        [1, 2, 'A2'],
      ] as const) {
        await request(session, 'submit_sm', {
          destination_addr: '33655555555',
          data_coding: 0,
          short_message: { udh: udh8(ref, 2, seq), message: part },
        });
      }
      const messages = await client.waitForMessages(2);
      expect(messages.map((m) => m.text)).toEqual(['B1 B2', 'A1 A2']);
    });
  });

  describe('delivery receipts', () => {
    it('sends a deliver_sm receipt to the transceiver that submitted', async () => {
      const session = await bound(sink);
      const received = receipts(session);
      const text = 'Votre demande No: 057 1215 073903 10691 doit être renouvelée.';
      const response = await request(session, 'submit_sm', {
        source_addr: 'SNE',
        destination_addr: '33612345678',
        registered_delivery: 1,
        short_message: text,
      });
      const receipt = await eventually(() => received[0]);
      expect(receipt).toMatchObject({
        esm_class: 0x04,
        source_addr: '33612345678',
        destination_addr: 'SNE',
        receipted_message_id: response.message_id,
        message_state: 2,
      });
      expect(receipt.short_message?.message).toMatch(
        new RegExp(
          `^id:${response.message_id} sub:001 dlvr:001 submit date:\\d{10} done date:\\d{10} ` +
            'stat:DELIVRD err:000 text:Votre demande No: 05$',
        ),
      );
      const [message] = await client.waitForMessages(1);
      expect(message?.registeredDelivery).toBe(1);
    });

    it('sends it to a receiver of the same system_id when a transmitter submitted', async () => {
      await client.setControl({ receiptStatus: 'UNDELIV', receiptDelayMs: 10 });
      const transmitter = await bound(sink, 'bind_transmitter', 'sne');
      const stranger = await bound(sink, 'bind_receiver', 'other');
      const receiver = await bound(sink, 'bind_receiver', 'sne');
      const toStranger = receipts(stranger);
      const received = receipts(receiver);
      const response = await request(transmitter, 'submit_sm', {
        destination_addr: '33612345678',
        registered_delivery: 1,
        short_message: 'Bonjour',
      });
      const receipt = await eventually(() => received[0]);
      expect(receipt.receipted_message_id).toBe(response.message_id);
      expect(receipt.message_state).toBe(5);
      expect(receipt.short_message?.message).toMatch(
        / dlvr:000 .* stat:UNDELIV err:001 text:Bonjour$/,
      );
      expect(toStranger).toEqual([]);
    });

    it('sends none without registered_delivery', async () => {
      const session = await bound(sink);
      const received = receipts(session);
      await request(session, 'submit_sm', { destination_addr: '1', short_message: 'x' });
      await client.waitForMessages(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([]);
    });
  });

  describe('session and failure modes', () => {
    it('answers enquire_link and unbind, then closes', async () => {
      const session = await bound(sink);
      expect((await request(session, 'enquire_link')).command).toBe('enquire_link_resp');
      const closed = new Promise<void>((resolve) => session.once('close', resolve));
      expect((await request(session, 'unbind')).command).toBe('unbind_resp');
      await closed;
    });

    it('refuses submit_sm before a bind and from a receiver', async () => {
      const unbound = await connect(sink);
      expect((await request(unbound, 'submit_sm', { short_message: 'x' })).command_status).toBe(
        ESME_RINVBNDSTS,
      );
      const receiver = await bound(sink, 'bind_receiver');
      expect((await request(receiver, 'submit_sm', { short_message: 'x' })).command_status).toBe(
        ESME_RINVBNDSTS,
      );
    });

    it('answers ESME_RSUBMITFAIL (0x45) in reject mode and ESME_RTHROTTLED (0x58) in throttle mode', async () => {
      const session = await bound(sink);
      await client.setControl({ mode: 'reject' });
      const rejected = await request(session, 'submit_sm', {
        destination_addr: '1',
        short_message: 'x',
      });
      expect(rejected.command_status).toBe(ESME_RSUBMITFAIL);
      await client.setControl({ mode: 'throttle' });
      const throttled = await request(session, 'submit_sm', {
        destination_addr: '1',
        short_message: 'x',
      });
      expect(throttled.command_status).toBe(ESME_RTHROTTLED);

      expect(await client.messages()).toEqual([]);
      expect((await client.pdus()).map((pdu) => [pdu.commandStatus, pdu.messageId])).toEqual([
        [ESME_RSUBMITFAIL, null],
        [ESME_RTHROTTLED, null],
      ]);
    });

    it('validates PUT /control', async () => {
      const response = await fetch(`${sink.apiUrl}/control`, {
        method: 'PUT',
        body: JSON.stringify({ mode: 'drop', receiptStatus: 'LOST', receiptDelayMs: 1.5 }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { details: string[] }).details).toHaveLength(3);
      expect(await client.control()).toEqual({
        mode: 'accept',
        receiptStatus: 'DELIVRD',
        receiptDelayMs: 50,
      });
    });

    it('filters messages by exact destination and finds one by any segment id', async () => {
      const session = await bound(sink);
      await request(session, 'submit_sm', { destination_addr: '33612345678', short_message: 'a' });
      const second = await request(session, 'submit_sm', {
        destination_addr: '336123456789',
        short_message: 'b',
      });
      await client.waitForMessages(2);
      expect((await client.messages({ to: '33612345678' })).map((m) => m.text)).toEqual(['a']);
      expect((await client.message(second.message_id ?? '')).text).toBe('b');
    });
  });
});

describe('SmppSink with credentials and SNE_RUN_DIR', () => {
  let runDir: string;

  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'smpp-sink-'));
  });

  afterEach(() => rm(runDir, { recursive: true, force: true }));

  it('refuses binds with other credentials with ESME_RBINDFAIL', async () => {
    const sink = new SmppSink({ smppPort: 0, apiPort: 0, systemId: 'sne', password: 'secret' });
    await sink.start();
    try {
      const wrong = await connect(sink);
      const closed = new Promise<void>((resolve) => wrong.once('close', resolve));
      const refused = await request(wrong, 'bind_transceiver', {
        system_id: 'sne',
        password: 'nope',
      });
      expect(refused.command_status).toBe(ESME_RBINDFAIL);
      await closed;
      await bound(sink, 'bind_transceiver', 'sne');
    } finally {
      await sink.stop();
    }
  });

  it('keeps messages across a restart, and completes a message whose segments straddle it', async () => {
    const first = new SmppSink({ smppPort: 0, apiPort: 0, runDir });
    await first.start();
    let session = await bound(first);
    await request(session, 'submit_sm', { destination_addr: '1', short_message: 'Première' });
    await request(session, 'submit_sm', {
      destination_addr: '2',
      data_coding: 0,
      short_message: { udh: udh8(7, 2, 1), message: 'Début ' },
    });
    await new SmppSinkClient(first.apiUrl).waitForMessages(1);
    await first.stop();

    const second = new SmppSink({ smppPort: 0, apiPort: 0, runDir });
    await second.start();
    try {
      const client = new SmppSinkClient(second.apiUrl);
      expect((await client.messages()).map((m) => m.text)).toEqual(['Première']);
      session = await bound(second);
      await request(session, 'submit_sm', {
        destination_addr: '2',
        data_coding: 0,
        short_message: { udh: udh8(7, 2, 2), message: 'et fin' },
      });
      const messages = await client.waitForMessages(2);
      expect(messages.map((m) => m.text)).toEqual(['Première', 'Début et fin']);
      expect(await client.pdus()).toHaveLength(3);
      await client.clear();
      expect(await client.pdus()).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
