import { renderDocument } from '../../../api/pages/document';

describe('renderDocument', () => {
  it('renders a complete, escaped HTML document', () => {
    const html = renderDocument({ lang: 'zh-CN', title: 'A & B', children: <p>{'<script>'}</p> });
    expect(html.startsWith('<!doctype html><html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<title>A &amp; B</title>');
    expect(html).toContain('<p>&lt;script></p>');
  });
});
