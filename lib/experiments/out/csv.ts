// Reading back the CSVs the figure scripts write (RFC 4180, as files.ts writes them): numbers come
// back as numbers, empty fields as null, everything else as strings.

import * as fs from 'node:fs';

export type CsvCell = string | number | null;
export type CsvRow = Record<string, CsvCell>;

export function parseCsv(text: string): CsvRow[] {
  const records: string[][] = [];
  let field = '', row: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      records.push(row); row = [];
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); records.push(row); }
  if (records.length === 0) return [];
  const [header, ...body] = records;
  return body.filter((r) => r.length > 1 || r[0] !== '').map((r) => {
    const out: CsvRow = {};
    header.forEach((h, j) => {
      const v = r[j] ?? '';
      out[h] = v === '' ? null : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^-?Infinity$|^NaN$/.test(v) ? Number(v) : v;
    });
    return out;
  });
}

export function readCsv(file: string): CsvRow[] {
  return parseCsv(fs.readFileSync(file, 'utf8'));
}
