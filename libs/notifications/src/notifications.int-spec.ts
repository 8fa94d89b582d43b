import { SmppSinkClient, SmtpSinkClient, testStack, waitFor } from '@sne/testing';
import { randomInt } from 'node:crypto';
import { MailSender } from './mail-sender';
import { type DeliveryReceipt, SmsError, SmsSender } from './sms-sender';

const stack = testStack();
const uniqueMobile = () => `06${String(randomInt(1e8)).padStart(8, '0')}`;

describe(MailSender.name, () => {
  const smtpSink = new SmtpSinkClient(stack.smtpSinkApiUrl);
  const sender = new MailSender({
    url: stack.smtpUrl,
    from: 'SNE <no-reply@sne.test>',
    poolSize: 2,
  });

  afterAll(() => sender.close());
  afterEach(() => smtpSink.setControl({ mode: 'accept', delayMs: 0 }));

  it('delivers a French HTML and text mail with its correlation id', async () => {
    const to = `demandeur.${randomInt(1e9)}@example.fr`;
    const sent = await sender.send({
      to,
      subject: 'Votre demande de logement social doit être renouvelée',
      text: 'Bonjour, votre demande n° 057 1215 073903 10691 arrive à échéance.',
      html: '<p>Bonjour, votre demande n° <strong>057 1215 073903 10691</strong> arrive à échéance.</p>',
      correlationId: 'corr-mail-1',
    });
    expect(sent.accepted).toEqual([to]);
    const [mail] = await smtpSink.waitForMessages(1, { filter: { to } });
    expect(mail).toMatchObject({
      subject: 'Votre demande de logement social doit être renouvelée',
      to: [to],
      from: '"SNE" <no-reply@sne.test>',
    });
    expect(mail?.text?.trim()).toBe(
      'Bonjour, votre demande n° 057 1215 073903 10691 arrive à échéance.',
    );
    expect(mail?.html).toContain('<strong>057 1215 073903 10691</strong>');
    expect(mail?.headers['x-correlation-id']).toBe('corr-mail-1');
  });

  it('reports a refusal of the mail relay as an error', async () => {
    await smtpSink.setControl({ mode: 'reject' });
    await expect(
      sender.send({ to: 'refused@example.fr', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });
});

describe(SmsSender.name, () => {
  const smppSink = new SmppSinkClient(stack.smppSinkApiUrl);
  const sender = new SmsSender({
    url: stack.smppUrl,
    systemId: 'sne',
    password: 'sne',
    sender: 'DemLogSoc',
  });
  const receipts: DeliveryReceipt[] = [];
  sender.onDeliveryReceipt((receipt) => receipts.push(receipt));

  afterAll(() => sender.close());
  afterEach(() => smppSink.setControl({ mode: 'accept', receiptStatus: 'DELIVRD' }));

  it('sends the renewal SMS in UCS-2 with its accents intact and records the delivery receipt', async () => {
    const mobile = uniqueMobile();
    const text =
      'Votre demande de logement social No: xx 057 1215 073903 10691 doit être renouvelée. ' +
      'Allez sur www.demande-logement-social.gouv.fr ou à votre guichet habituel.';
    const sent = await sender.send(mobile, text);
    expect(sent.encoding).toBe('ucs2');
    const [sms] = await smppSink.waitForMessages(1, { filter: { to: `33${mobile.slice(1)}` } });
    expect(sms?.text).toBe(text);
    expect(sms?.dataCoding).toBe(8);
    expect(sms?.segments).toBe(sent.segments);
    expect(sms?.segments).toBe(3);
    expect(sms?.sourceAddr).toBe('DemLogSoc');
    const receipt = await waitFor(() => receipts.find((r) => r.messageId === sent.messageIds[0]), {
      description: 'the delivery receipt',
    });
    expect(receipt.status).toBe('DELIVRD');
  });

  it('sends a text of the GSM alphabet in GSM 7-bit, é and à included', async () => {
    const mobile = uniqueMobile();
    const text = 'Votre demande No 057 1215 073903 10691 a été enregistrée à Metz.';
    const sent = await sender.send(mobile, text);
    expect(sent).toMatchObject({ encoding: 'gsm7', segments: 1 });
    const [sms] = await smppSink.waitForMessages(1, { filter: { to: `33${mobile.slice(1)}` } });
    expect(sms).toMatchObject({ text, dataCoding: 0, segments: 1 });
  });

  it('reports an undeliverable SMS through its receipt', async () => {
    await smppSink.setControl({ receiptStatus: 'UNDELIV' });
    const sent = await sender.send(uniqueMobile(), 'Test');
    const receipt = await waitFor(() => receipts.find((r) => r.messageId === sent.messageIds[0]));
    expect(receipt.status).toBe('UNDELIV');
  });

  it('turns a refusal of the SMS centre into an SmsError with its status', async () => {
    await smppSink.setControl({ mode: 'reject' });
    const attempt = sender.send(uniqueMobile(), 'Test');
    await expect(attempt).rejects.toBeInstanceOf(SmsError);
    await expect(attempt).rejects.toMatchObject({ commandStatus: 0x45 });
  });
});
