// Checks on avatar pictures in the app: the <img> inside an avatar element,
// its size and centre colour, read back through a canvas.
import assert from 'node:assert/strict';
import { eventually, expectVisible } from './wait.js';
import { T } from './ui.js';

/** Size and centre colour of the picture inside an avatar element. */
export async function picture(avatar) {
  const img = avatar.locator('img');
  await expectVisible(img, { timeout: T.ui });
  return img.evaluate(async (el) => {
    await el.decode();
    const c = document.createElement('canvas');
    c.width = el.naturalWidth;
    c.height = el.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(el, 0, 0);
    const d = g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data;
    return { w: el.naturalWidth, h: el.naturalHeight, rgb: [d[0], d[1], d[2]], src: el.src };
  });
}

export const near = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 8);

export async function expectPicture(avatar, { side, rgb, what }) {
  let last;
  await eventually(async () => {
    last = await picture(avatar);
    return last.w === side && last.h === side && near(last.rgb, rgb);
  }, { timeout: T.ui, what: `${what} (last seen: ${JSON.stringify(last)})` });
  assert.match(last.src, /^blob:/, `${what} comes from the local cache`);
}

