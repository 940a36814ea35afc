// Live updates by polling. While the tab is visible the task runs every `interval`; while it is
// hidden each wait doubles, up to `max`, so a forgotten tab costs the server little; when the tab
// shows again the task runs at once and the interval is back. A failing task backs off the same
// way. `doc` and `timers` are parameters so that a test can drive the poller by hand.

export function poll(task, { interval = 5000, max = 60000, doc = document, timers = globalThis } = {}) {
  let delay = interval;
  let timer = null;
  let running = false;
  let stopped = false;

  const schedule = () => {
    if (!stopped) {
      timer = timers.setTimeout(tick, delay);
    }
  };

  async function tick() {
    timer = null;
    if (stopped || running) {
      return;
    }
    running = true;
    let ok = true;
    try {
      await task();
    } catch (e) {
      ok = false;
    }
    running = false;
    const hidden = doc.visibilityState === 'hidden';
    delay = ok && !hidden ? interval : Math.min(max, delay * 2);
    schedule();
  }

  const onVisibility = () => {
    if (doc.visibilityState === 'visible' && !stopped && !running) {
      if (timer !== null) {
        timers.clearTimeout(timer);
        timer = null;
      }
      delay = interval;
      tick();
    }
  };
  doc.addEventListener('visibilitychange', onVisibility);
  schedule();

  return {
    /** The wait before the next run, in milliseconds. */
    delay: () => delay,
    /** Runs the task now (after an action), keeping the schedule. */
    now() {
      if (timer !== null) {
        timers.clearTimeout(timer);
        timer = null;
      }
      return tick();
    },
    stop() {
      stopped = true;
      if (timer !== null) {
        timers.clearTimeout(timer);
      }
      doc.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
