/** A text bar such as `[#########---------------------]`. */
export function progressBar(ratio: number, width = 30): string {
  const filled = Math.round(Math.min(1, Math.max(0, ratio)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * Progress on stderr. On a terminal, `text(ratio)` is redrawn in place at most every 100 ms; elsewhere
 * (logs, pipes) a line is written at each tenth of the way, so a log file is not flooded.
 */
export function progressLine(): { update: (ratio: number, text: () => string) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(ratio, text) {
      if (tty) {
        const now = Date.now();
        if (now - last < 100 && ratio < 1) return;
        last = now;
        drawn = true;
        process.stderr.write(`\r${progressBar(ratio)} ${(ratio * 100).toFixed(0).padStart(3)} % ${text()}`);
        return;
      }
      const tenth = Math.floor(ratio * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      process.stderr.write(`${(ratio * 100).toFixed(0).padStart(3)} % ${text()}\n`);
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
      lastTenth = -1;
    },
  };
}
