// The little markdown the assistant's content uses (paragraphs, "- " and "1. " lists, **bold**,
// [links](https://…)), rendered as DOM nodes: text is only ever set with textContent, so
// nothing a resident or the content says can become HTML. Links go only to http(s), tel: and
// mailto: and open in a new tab.
(() => {
  'use strict';
  const SAFE_LINK = /^(https?:\/\/|tel:|mailto:)/i;

  function inline(parent, text) {
    const pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        const strong = document.createElement('strong');
        strong.textContent = match[1];
        parent.append(strong);
      } else if (SAFE_LINK.test(match[3])) {
        const link = document.createElement('a');
        link.textContent = match[2];
        link.href = match[3];
        if (!/^tel:|^mailto:/i.test(match[3])) {
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
        }
        parent.append(link);
      } else {
        parent.append(document.createTextNode(match[2]));
      }
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
  }

  function render(text) {
    const fragment = document.createDocumentFragment();
    let list = null;
    let paragraph = null;
    for (const raw of String(text).split('\n')) {
      const line = raw.trimEnd();
      const bullet = /^\s*(?:[-*•])\s+(.*)$/.exec(line);
      const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        const tag = bullet ? 'UL' : 'OL';
        if (!list || list.tagName !== tag) {
          list = document.createElement(tag);
          fragment.append(list);
        }
        const item = document.createElement('li');
        inline(item, (bullet || numbered)[1]);
        list.append(item);
        paragraph = null;
        continue;
      }
      list = null;
      if (!line.trim()) {
        paragraph = null;
        continue;
      }
      if (paragraph) paragraph.append(document.createElement('br'));
      else {
        paragraph = document.createElement('p');
        fragment.append(paragraph);
      }
      inline(paragraph, line);
    }
    return fragment;
  }

  window.renderMarkdown = render;
})();
