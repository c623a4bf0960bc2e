import { JwtService } from '@nestjs/jwt';
import { AccessTokens } from './access-tokens';

describe('AccessTokens', () => {
  const jwt = new JwtService({ secret: 'a-test-secret', signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  const claims = { sub: 'account-1', role: 'BUYER' as const, buyerId: 'buyer-1' };
  let now: number;

  beforeEach(() => {
    now = Date.UTC(2026, 11, 5, 12, 0, 0);
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('verifies a token once and answers later requests with the same claims', async () => {
    const tokens = new AccessTokens(jwt);
    const verify = jest.spyOn(jwt, 'verifyAsync');
    const bearer = `Bearer ${await jwt.signAsync(claims, { expiresIn: 60 })}`;

    const first = await tokens.claimsOf(bearer);
    const second = await tokens.claimsOf(bearer);

    expect(first).toMatchObject(claims);
    expect(second).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses a kept token from its exp second on, as the verifier does', async () => {
    const tokens = new AccessTokens(jwt);
    const bearer = `Bearer ${await jwt.signAsync(claims, { expiresIn: 60 })}`;
    expect(await tokens.claimsOf(bearer)).toMatchObject(claims);

    now += 59_999;
    expect(await tokens.claimsOf(bearer)).toMatchObject(claims);
    now += 1;
    expect(await tokens.claimsOf(bearer)).toBeUndefined();
    // The verifier agrees, and the token stays refused.
    await expect(jwt.verifyAsync(bearer.slice(7))).rejects.toThrow(/expired/);
    expect(await tokens.claimsOf(bearer)).toBeUndefined();
  });

  it('keeps no token that fails verification, and verifies it again on every request', async () => {
    const tokens = new AccessTokens(jwt);
    const verify = jest.spyOn(jwt, 'verifyAsync');
    const signed = await jwt.signAsync(claims, { expiresIn: 60 });
    const [header, , signature] = signed.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, role: 'OPERATOR', exp: Math.floor(now / 1000) + 60 })).toString('base64url');
    const otherKey = await new JwtService({ secret: 'another-secret' }).signAsync(claims, { expiresIn: 60 });

    for (const token of [`${header}.${forgedBody}.${signature}`, otherKey, 'not-a-token']) {
      expect(await tokens.claimsOf(`Bearer ${token}`)).toBeUndefined();
      expect(await tokens.claimsOf(`Bearer ${token}`)).toBeUndefined();
    }
    expect(verify).toHaveBeenCalledTimes(6);
    expect(await tokens.claimsOf(undefined)).toBeUndefined();
    expect(await tokens.claimsOf(`Basic ${signed}`)).toBeUndefined();
  });

  it('keeps at most CAPACITY tokens, the oldest evicted first', async () => {
    const tokens = new AccessTokens(jwt);
    const verify = jest.spyOn(jwt, 'verifyAsync');
    const first = `Bearer ${await jwt.signAsync({ ...claims, sub: 'account-0' }, { expiresIn: 60 })}`;
    await tokens.claimsOf(first);
    for (let i = 1; i < AccessTokens.CAPACITY; i += 1) {
      await tokens.claimsOf(`Bearer ${jwt.sign({ ...claims, sub: `account-${i}` }, { expiresIn: 60 })}`);
    }
    await tokens.claimsOf(first);
    expect(verify).toHaveBeenCalledTimes(AccessTokens.CAPACITY);

    await tokens.claimsOf(`Bearer ${jwt.sign({ ...claims, sub: 'one-more' }, { expiresIn: 60 })}`);
    expect(await tokens.claimsOf(first)).toMatchObject({ sub: 'account-0' });
    expect(verify).toHaveBeenCalledTimes(AccessTokens.CAPACITY + 2);
  });
});
