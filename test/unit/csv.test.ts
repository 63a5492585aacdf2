import { toCsv, wantsCsv } from '../../api/csv';

describe('toCsv', () => {
  it('starts with a UTF-8 BOM, ends rows with CRLF, quotes only what needs it', () => {
    const csv = toCsv(
      ['a', 'b', 'c'],
      [
        ['张伟', 1.5, null],
        ['x,y', 'say "hi"', 'two\nlines'],
      ],
    );
    expect(csv).toBe('\uFEFFa,b,c\r\n张伟,1.5,\r\n"x,y","say ""hi""","two\nlines"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, not negative numbers', () => {
    expect(toCsv(['v'], [['=HYPERLINK("x")'], ['@cmd'], [-3]])).toBe('\uFEFFv\r\n"\'=HYPERLINK(""x"")"\r\n\'@cmd\r\n-3\r\n');
  });
});

describe('wantsCsv', () => {
  it('follows ?format first, then Accept order', () => {
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
    expect(wantsCsv(undefined, 'text/csv')).toBe(true);
    expect(wantsCsv(undefined, 'text/csv;q=1, application/json')).toBe(true);
    expect(wantsCsv(undefined, 'application/json, text/csv')).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
    expect(wantsCsv(undefined, undefined)).toBe(false);
  });
});
