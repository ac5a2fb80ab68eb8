// Message actions through their accessible names (issue 5): the button
// "Message actions" on a bubble opens a menu "Message actions" with
// Reply / React / Edit / Copy text / Forward / Delete; "React" opens a
// dialog "React" with buttons "React with <emoji>" and "More reactions";
// "Delete" a dialog "Delete message" with "Delete for everyone" /
// "Delete for me"; "Forward" a dialog "Forward message" listing the chats.
// Under a bubble: a group "Reactions" of buttons named "<emoji> <count>: …".
import { expectVisible } from './wait.js';
import { T } from './ui.js';

export async function openMenu(article) {
  await article.getByRole('button', { name: 'Message actions', exact: true }).click();
  return expectVisible(article.getByRole('menu', { name: 'Message actions' }), { timeout: T.ui });
}

export async function choose(article, item) {
  const menu = await openMenu(article);
  await menu.getByRole('menuitem', { name: item, exact: true }).click();
}

export async function react(article, emoji) {
  await choose(article, 'React');
  const dialog = await expectVisible(article.getByRole('dialog', { name: 'React' }), { timeout: T.ui });
  const quick = dialog.getByRole('button', { name: `React with ${emoji}`, exact: true });
  if (await quick.count()) {
    await quick.first().click();
    return;
  }
  // The picker: look through its groups ("Smileys", "Gestures", …).
  await dialog.getByRole('button', { name: 'More reactions', exact: true }).click();
  const tabs = dialog.getByRole('tab');
  await expectVisible(tabs.first(), { timeout: T.ui });
  for (let i = 0; i < await tabs.count(); i++) {
    await tabs.nth(i).click();
    const b = dialog.getByRole('tabpanel').getByRole('button', { name: `React with ${emoji}`, exact: true });
    if (await b.count()) {
      await b.first().click();
      return;
    }
  }
  throw new Error(`no ${emoji} in the emoji picker`);
}

/** The reaction button for emoji under a bubble (any count). */
export function reaction(article, emoji) {
  return article.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: new RegExp(`^${emoji} \\d+`) });
}

/** "<emoji> <count>: names" → count, or 0 without that reaction. */
export async function reactionCount(article, emoji) {
  const b = reaction(article, emoji);
  if (!(await b.count())) return 0;
  const label = await b.first().getAttribute('aria-label');
  return Number(label.split(' ')[1].replace(':', ''));
}
