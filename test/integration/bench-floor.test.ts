// The framework floor that `npm run bench` measures (/bench/floor) exists only while PORTAL_BENCH=1.
import { afterEach, describe, expect, it } from 'vitest';
import * as floor from '~/routes/bench.floor';

describe('the benchmark floor page', () => {
  afterEach(() => {
    delete process.env.PORTAL_BENCH;
  });

  it('is a 404 like any unknown address when the benchmark is not running', async () => {
    delete process.env.PORTAL_BENCH;
    const thrown = await Promise.resolve()
      .then(() => floor.loader())
      .then(() => null, (error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });

  it('returns its constant while PORTAL_BENCH=1', async () => {
    process.env.PORTAL_BENCH = '1';
    const data = await floor.loader();
    expect(data.heading).toBe('Framework floor');
  });
});
