// Reading Confab's account database (IndexedDB "confab:<bare JID>") from a
// Playwright page, for checks the UI cannot show: what the store holds.
// Object stores (src/store/indexed_db/migrations): settings (key -> string),
// messages (index chat_time = [chat, timestamp, id]).

/** The value of setting `key` in `jid`'s database, or null. */
export function storedSetting(page, jid, key) {
  return page.evaluate(([db, k]) => new Promise((resolve) => {
    const req = indexedDB.open(db);
    req.onerror = () => resolve(null);
    req.onsuccess = () => {
      try {
        const g = req.result.transaction('settings').objectStore('settings').get(k);
        g.onsuccess = () => { resolve(g.result ?? null); req.result.close(); };
        g.onerror = () => { resolve(null); req.result.close(); };
      } catch { resolve(null); req.result.close(); }
    };
  }), [`confab:${jid}`, key]);
}

/** How many messages of `chat` `jid`'s database holds (-1 if unreadable). */
export function storedCount(page, jid, chat) {
  return page.evaluate(([db, c]) => new Promise((resolve) => {
    const req = indexedDB.open(db);
    req.onerror = () => resolve(-1);
    req.onsuccess = () => {
      try {
        const idx = req.result.transaction('messages').objectStore('messages').index('chat_time');
        const g = idx.count(IDBKeyRange.bound([c], [c, []]));
        g.onsuccess = () => { resolve(g.result); req.result.close(); };
        g.onerror = () => { resolve(-1); req.result.close(); };
      } catch { resolve(-1); req.result.close(); }
    };
  }), [`confab:${jid}`, chat]);
}
