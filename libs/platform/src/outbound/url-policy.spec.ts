import { checkUrl } from './url-policy';

const production = { allowLoopback: false };
const development = { allowLoopback: true };

const reasonOf = (url: string, policy = production) => {
  const verdict = checkUrl(url, policy);
  return verdict.allowed ? 'allowed' : verdict.reason;
};

describe('checkUrl', () => {
  it('allows https to a public literal or a name (judged on what it resolves to)', () => {
    expect(reasonOf('https://93.184.216.34/hook')).toBe('allowed');
    expect(reasonOf('https://[2606:4700::1111]:8443/hook')).toBe('allowed');
    const named = checkUrl('https://hooks.bailleur.fr/sne?x=1', production);
    expect(named).toMatchObject({ allowed: true, host: 'hooks.bailleur.fr', literal: false });
  });

  it('refuses every scheme but https', () => {
    expect(reasonOf('http://93.184.216.34/')).toBe('scheme http refused: https only');
    expect(reasonOf('ftp://example.fr/')).toBe('scheme ftp refused: https only');
    expect(reasonOf('file:///etc/passwd')).toBe('scheme file refused: https only');
    expect(reasonOf('gopher://example.fr/')).toBe('scheme gopher refused: https only');
  });

  it('refuses credentials in the URL', () => {
    expect(reasonOf('https://user:secret@example.fr/')).toBe('credentials in the URL');
    expect(reasonOf('https://user@example.fr/')).toBe('credentials in the URL');
  });

  it('checks IP literals at once, whatever their spelling', () => {
    expect(reasonOf('https://127.0.0.1/')).toBe('loopback address 127.0.0.1');
    expect(reasonOf('https://2130706433/')).toBe('loopback address 127.0.0.1');
    expect(reasonOf('https://0x7f.1/')).toBe('loopback address 127.0.0.1');
    expect(reasonOf('https://017700000001/')).toBe('loopback address 127.0.0.1');
    expect(reasonOf('https://[::1]/')).toBe('loopback address ::1');
    expect(reasonOf('https://[::ffff:10.0.0.1]/')).toBe('private address ::ffff:a00:1');
    expect(reasonOf('https://169.254.169.254/latest/meta-data')).toBe(
      'metadata address 169.254.169.254',
    );
    expect(reasonOf('https://[fd00:ec2::254]/')).toBe('metadata address fd00:ec2::254');
  });

  it('refuses what is not a URL', () => {
    expect(reasonOf('not a url')).toBe('not a URL');
  });

  it('allows http and loopback with the development setting, and nothing more', () => {
    expect(reasonOf('http://127.0.0.1:4000/hook', development)).toBe('allowed');
    expect(reasonOf('http://[::1]:4000/hook', development)).toBe('allowed');
    expect(reasonOf('http://10.1.2.3/hook', development)).toBe('private address 10.1.2.3');
    expect(reasonOf('http://169.254.169.254/', development)).toBe(
      'metadata address 169.254.169.254',
    );
    expect(reasonOf('ftp://127.0.0.1/', development)).toBe('scheme ftp refused: https only');
  });
});
