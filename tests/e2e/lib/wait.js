// Bounded polling helpers (no fixed sleeps where a condition will do).

/**
 * Calls fn until it returns a truthy value (which is returned) or the timeout
 * runs out (then throws, with the last error or value in the message).
 */
export async function eventually(fn, { timeout = 30_000, interval = 200, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until the locator's text matches re (a RegExp or a substring); returns the text. */
export async function expectText(locator, re, { timeout = 30_000, what } = {}) {
  const test = typeof re === 'string' ? (t) => t.includes(re) : (t) => re.test(t);
  let text = '';
  await eventually(async () => {
    text = await locator.first().innerText({ timeout: Math.min(timeout, 2_000) });
    return test(text);
  }, { timeout, what: what || `text ${re} in ${locator}` }).catch((e) => {
    throw new Error(`${e.message}; text was: ${JSON.stringify(text.slice(0, 500))}`);
  });
  return text;
}

/** Waits until the locator matches at least one visible element. */
export async function expectVisible(locator, { timeout = 30_000 } = {}) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}
