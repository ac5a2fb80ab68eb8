// Copied from the shared harness (/work/shared/bench/lib/probe.js, 2026-11-26)
// for scripts/bench/compare; changes: distinctAttr '#text', and the wasm
// memory of a Trunk-built page (window.__h.wasmMemoryBytes()).
//
// In-page probe, injected by measure.mjs at document start of every page
// (context.addInitScript). Client-agnostic: it only watches the DOM.
//
// A "spec" describes a DOM condition; once armed, the probe records the
// performance.now() time at which it first holds (checked on every DOM
// mutation batch, or at each animation frame for specs that need layout), plus
// the start of the next animation frame after that (≈ when it is painted).
//
//   spec = {
//     selector,            CSS selector of candidate elements (required)
//     text,                element.textContent must include this string
//     exact,               with text: the trimmed textContent must equal it
//     regex, below,        textContent must match regex whose group 1 is a number < below
//     minCount = 1,        how many distinct matching elements are needed
//     distinctAttr,        count elements distinct by this attribute's value
//                          ('#text': by the trimmed textContent; Confab copy addition)
//     attrRegex,           with distinctAttr: only values matching this regex count
//     visible = 'dom',     'dom' | 'rendered' (has a layout box) | 'viewport' (on screen)
//   }
//
// Input events (mousedown, keydown) are stamped with event.timeStamp, the time
// the browser created the event, so "click → result" can be measured in page time.
(() => {
  if (window.__h) return;
  // compare: a Trunk-built wasm app announces its instance with the
  // TrunkApplicationStarted event (detail.wasm = the module's exports); its
  // linear memory is not in Runtime.getHeapUsage's ArrayBuffer figure.
  let wasmMemory = null;
  addEventListener('TrunkApplicationStarted', (e) => { wasmMemory = e.detail && e.detail.wasm && e.detail.wasm.memory; });
  const specs = new Map();
  const inputs = [];
  const waiters = new Map();
  let pending = 0;
  let rafScheduled = false;

  function isRendered(el) {
    if (typeof el.checkVisibility === 'function') {
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }

  // On screen: inside the window and actually hit-testable at one of a few
  // points of its box (so clipped-by-scroller and covered elements don't count).
  function inViewport(el) {
    if (!isRendered(el)) return false;
    const r = el.getBoundingClientRect();
    const left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
    const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, window.innerHeight);
    if (right <= left || bottom <= top) return false;
    const cx = (left + right) / 2;
    const pts = [[cx, (top + bottom) / 2], [Math.min(left + 4, cx), Math.min(top + 4, bottom - 1)], [cx, Math.max(bottom - 4, top)]];
    for (const [x, y] of pts) {
      const hit = document.elementFromPoint(x, y);
      if (hit && (hit === el || el.contains(hit))) return true;
    }
    return false;
  }

  function evaluate(spec) {
    let els;
    try { els = document.querySelectorAll(spec.selector); } catch { return null; }
    const need = spec.minCount || 1;
    const seen = spec.distinctAttr ? new Set() : null;
    const re = spec.regex ? new RegExp(spec.regex) : null;
    const attrRe = spec.attrRegex ? new RegExp(spec.attrRegex) : null;
    let n = 0;
    for (const el of els) {
      if (spec.text != null) {
        const tc = el.textContent || '';
        if (spec.exact ? tc.trim() !== spec.text : !tc.includes(spec.text)) continue;
      }
      if (re) {
        const m = re.exec(el.textContent || '');
        if (!m) continue;
        if (spec.below != null && !(Number(m[1]) < spec.below)) continue;
      }
      if (spec.visible === 'rendered' && !isRendered(el)) continue;
      if (spec.visible === 'viewport' && !inViewport(el)) continue;
      if (seen) {
        const v = spec.distinctAttr === '#text' ? (el.textContent || '').trim() : el.getAttribute(spec.distinctAttr);
        if (v == null || seen.has(v) || (attrRe && !attrRe.test(v))) continue;
        seen.add(v);
      }
      n++;
      if (n >= need) return { count: n, total: els.length };
    }
    return null;
  }

  function settle(name, s, detail) {
    s.t = performance.now();
    s.detail = detail;
    pending--;
    requestAnimationFrame(() => {
      s.tFrame = performance.now();
      const w = waiters.get(name);
      if (w) { waiters.delete(name); w.forEach((f) => f(result(name))); }
    });
  }

  // DOM-only specs are checked on every mutation batch (cheap, precise).
  // Specs that need layout ('rendered', 'viewport') are checked once per
  // animation frame only, where style and layout are due anyway, so that the
  // probe never forces extra layouts on the client being measured.
  function check(withLayout) {
    if (!pending) return;
    for (const [name, s] of specs) {
      if (s.t !== null) continue;
      if (!withLayout && s.spec.visible && s.spec.visible !== 'dom') continue;
      const d = evaluate(s.spec);
      if (d) settle(name, s, d);
    }
  }

  function frameLoop() {
    rafScheduled = false;
    check(true);
    if (pending) { rafScheduled = true; requestAnimationFrame(frameLoop); }
  }

  function result(name) {
    const s = specs.get(name);
    if (!s) return null;
    return { name, t: s.t, tFrame: s.tFrame, armedAt: s.armedAt, immediate: s.immediate, detail: s.detail };
  }

  const mo = new MutationObserver(() => check(false));
  const startObserving = () => mo.observe(document, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['class', 'style', 'hidden', 'open'],
  });
  startObserving();

  for (const type of ['mousedown', 'keydown', 'click']) {
    addEventListener(type, (ev) => {
      inputs.push({ type, key: ev.key || null, t: ev.timeStamp, at: performance.now() });
      if (inputs.length > 2000) inputs.splice(0, 1000);
    }, { capture: true, passive: true });
  }

  window.__h = {
    wasmMemoryBytes() { return wasmMemory && wasmMemory.buffer ? wasmMemory.buffer.byteLength : null; }, // compare
    arm(name, spec) {
      const s = { spec, t: null, tFrame: null, armedAt: performance.now(), immediate: false, detail: null };
      if (specs.has(name) && specs.get(name).t === null) pending--;
      specs.set(name, s);
      pending++;
      const d = document.documentElement && (!spec.visible || spec.visible === 'dom') ? evaluate(spec) : null;
      if (d) { s.immediate = true; settle(name, s, d); }
      if (!rafScheduled && pending) { rafScheduled = true; requestAnimationFrame(frameLoop); }
      return result(name);
    },
    armAll(map) { for (const [k, v] of Object.entries(map)) this.arm(k, v); },
    get: result,
    all() { return [...specs.keys()].map(result); },
    // Resolve once the spec holds (and a frame has started after), or null on timeout.
    wait(name, timeoutMs = 30000) {
      const r = result(name);
      if (r && r.tFrame !== null) return Promise.resolve(r);
      return new Promise((resolve) => {
        const list = waiters.get(name) || [];
        const timer = setTimeout(() => resolve(result(name)), timeoutMs);
        list.push((v) => { clearTimeout(timer); resolve(v); });
        waiters.set(name, list);
      });
    },
    lastInput(type, key) {
      for (let i = inputs.length - 1; i >= 0; i--) {
        if (inputs[i].type === type && (key == null || inputs[i].key === key)) return inputs[i];
      }
      return null;
    },
    // Numbers captured by regex group 1 over matching elements (e.g. "#00042/01000").
    indices(selector, regex, visible = 'dom') {
      const re = new RegExp(regex);
      const out = [];
      for (const el of document.querySelectorAll(selector)) {
        if (visible === 'rendered' && !isRendered(el)) continue;
        if (visible === 'viewport' && !inViewport(el)) continue;
        const m = re.exec(el.textContent || '');
        if (m) out.push(Number(m[1]));
      }
      return out;
    },
    texts(selector) { return [...document.querySelectorAll(selector)].map((e) => (e.textContent || '').trim()); },
    count(selector) { return document.querySelectorAll(selector).length; },
    timeOrigin: () => performance.timeOrigin,
    now: () => performance.now(),
  };
})();
