/*
 * Plain SVG bar charts with a text equivalent: every chart is drawn from a table of numbers,
 * and that table is shown with it (a chart is a picture of the table, never the only copy).
 * No chart library, no network: the dashboard works offline and reads out to a screen reader.
 */
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  let counter = 0;

  function svg(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function el(name, attributes, text) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The numbers as a table: row labels, one column per series, and a total where there are several. */
  function dataTable(caption, rows, series, rowHeader) {
    const table = el('table', { class: 'data' });
    table.append(el('caption', {}, caption));
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, rowHeader));
    for (const s of series) head.append(el('th', { scope: 'col' }, s.name));
    if (series.length > 1) head.append(el('th', { scope: 'col' }, 'Total'));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const row of rows) {
      const tr = el('tr');
      tr.append(el('th', { scope: 'row' }, row.label));
      for (const value of row.values) tr.append(el('td', {}, String(value)));
      if (series.length > 1) tr.append(el('td', {}, String(row.values.reduce((a, b) => a + b, 0))));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    return table;
  }

  /**
   * Vertical stacked bars (one per row, e.g. a day), with a legend and the table under it.
   * rows: [{ label, values: [n per series] }]; series: [{ name, className }].
   */
  function columns(title, rows, series, rowHeader = 'Day') {
    const id = `chart-${++counter}`;
    const figure = el('figure', { class: 'chart' });
    // Drawn about life size: a short range keeps narrow bars rather than a few giant ones.
    const width = Math.max(720, rows.length * 44 + 60);
    const height = 220;
    const plot = { left: 40, right: 10, top: 10, bottom: 40 };
    const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
    const summary = rows
      .map((r) => `${r.label}: ${series.map((s, i) => `${r.values[i]} ${s.name}`).join(', ')}`)
      .join('; ');
    const picture = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      class: 'plot',
    });
    picture.append(
      svg('title', { id: `${id}-title` }, title),
      svg('desc', { id: `${id}-desc` }, summary || 'No data.'),
    );
    const inner = height - plot.top - plot.bottom;
    // Axis: zero and the maximum, enough to read the scale.
    picture.append(
      svg('line', { x1: plot.left, x2: width - plot.right, y1: plot.top + inner, y2: plot.top + inner, class: 'axis' }),
    );
    picture.append(svg('text', { x: plot.left - 6, y: plot.top + inner, class: 'tick', 'text-anchor': 'end' }, '0'));
    picture.append(
      svg('text', { x: plot.left - 6, y: plot.top + 10, class: 'tick', 'text-anchor': 'end' }, String(max)),
    );
    const step = Math.min(80, (width - plot.left - plot.right) / Math.max(1, rows.length));
    rows.forEach((row, index) => {
      let y = plot.top + inner;
      const x = plot.left + index * step + step * 0.15;
      row.values.forEach((value, s) => {
        const h = (value / max) * inner;
        if (h > 0)
          picture.append(
            svg('rect', { x, y: y - h, width: step * 0.7, height: h, class: `bar ${series[s].className}` }),
          );
        y -= h;
      });
      picture.append(
        svg(
          'text',
          { x: x + step * 0.35, y: height - plot.bottom + 16, class: 'tick', 'text-anchor': 'middle' },
          row.shortLabel || row.label,
        ),
      );
    });
    figure.append(picture, legend(series), numbers(dataTable(title, rows, series, rowHeader)));
    return figure;
  }

  /** Horizontal bars, one per row, a single series: best for a ranked list or a breakdown. */
  function bars(title, rows, className, rowHeader = 'What') {
    const id = `chart-${++counter}`;
    const figure = el('figure', { class: 'chart' });
    const rowHeight = 26;
    const width = 440;
    const labelWidth = 230;
    const height = Math.max(1, rows.length) * rowHeight + 8;
    const max = Math.max(1, ...rows.map((r) => r.values[0]));
    const picture = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      class: 'plot plot-bars',
    });
    picture.append(
      svg('title', { id: `${id}-title` }, title),
      svg('desc', { id: `${id}-desc` }, rows.map((r) => `${r.label}: ${r.values[0]}`).join('; ') || 'No data.'),
    );
    rows.forEach((row, index) => {
      const y = 4 + index * rowHeight;
      const w = ((width - labelWidth - 50) * row.values[0]) / max;
      picture.append(svg('text', { x: labelWidth - 8, y: y + 17, class: 'tick', 'text-anchor': 'end' }, row.label));
      picture.append(
        svg('rect', {
          x: labelWidth,
          y: y + 4,
          width: Math.max(w, row.values[0] ? 2 : 0),
          height: rowHeight - 10,
          class: `bar ${row.className || className}`,
        }),
      );
      picture.append(svg('text', { x: labelWidth + w + 6, y: y + 17, class: 'tick' }, String(row.values[0])));
    });
    figure.append(picture, numbers(dataTable(title, rows, [{ name: 'Number' }], rowHeader)));
    return figure;
  }

  /** The table behind a chart, one click away so the page stays readable at a glance. */
  function numbers(table) {
    const details = el('details', { class: 'numbers' });
    details.append(el('summary', {}, 'Show the numbers'), table);
    return details;
  }

  function legend(series) {
    const list = el('ul', { class: 'legend', 'aria-hidden': 'true' });
    for (const s of series) {
      const item = el('li');
      item.append(el('span', { class: `swatch ${s.className}` }), document.createTextNode(s.name));
      list.append(item);
    }
    return list;
  }

  window.Charts = { columns, bars };
})();
