import { expect } from 'chai';
import { Writable } from 'node:stream';
import { formatDuration, Progress } from '../../lib/experiments/run/progress';

function stream(tty: boolean) {
  const s = new Writable({ write(c, _e, cb) { s.text += String(c); cb(); } }) as Writable & { text: string; isTTY?: boolean; columns?: number };
  s.text = '';
  if (tty) { s.isTTY = true; s.columns = 200; }
  return s;
}

describe('experiments/progress', () => {
  it('prints periodic plain lines with an ETA over the cells computed now', () => {
    let t = 0;
    const s = stream(false);
    const p = new Progress({ label: 'fig1', total: 10, already: 4, stream: s, lineEvery: 10, now: () => t });
    t = 2000; p.tick(); // first line at once
    t = 4000; p.tick(); // within 10 s: quiet
    t = 60000; p.tick();
    p.finish();
    const lines = s.text.trimEnd().split('\n');
    expect(lines[0]).to.equal('fig1: 5/10 cells (4 resumed) 50%, elapsed 2s, eta 10s');
    expect(lines[1]).to.equal('fig1: 7/10 cells (4 resumed) 70%, elapsed 1m00s, eta 1m00s');
    expect(lines).to.have.length(2); // finish() does not repeat the line just printed
  });

  it('redraws a bar in place on a terminal', () => {
    let t = 0;
    const s = stream(true);
    const p = new Progress({ label: 'x', total: 2, already: 0, stream: s, now: () => t });
    t = 1000; p.tick();
    t = 2000; p.tick();
    p.finish();
    expect(s.text).to.include('\r\x1b[2K[############------------] x: 1/2 cells 50%');
    expect(s.text.endsWith('eta 0s\n')).to.equal(true);
  });

  it('formats durations', () => {
    expect([5, 65, 3725, NaN].map(formatDuration)).to.deep.equal(['5s', '1m05s', '1h02m', '?']);
  });
});
