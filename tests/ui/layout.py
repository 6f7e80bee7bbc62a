"""Layout checks run inside the page: what an operator sees as unfinished at a given width.

- the page or a box in it scrolls sideways, or an element's box ends past the window's right
  edge;
- a table cell is narrower than its longest word (the word sticks out of it);
- a cell of two or more words shows one word per line, or a list's cell wraps into three
  lines or more (a squeezed column).

Text cut on purpose (``text-overflow: ellipsis``, the whole text in a tooltip) is not measured.
"""

from __future__ import annotations

from typing import Any

LAYOUT_PROBLEMS_JS = r"""
() => {
  const problems = [];
  const vw = window.innerWidth;
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  const width = document.documentElement.scrollWidth;
  if (width > vw) problems.push(`the page is ${width}px wide in a ${vw}px window`);
  const past = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
    if (box.right <= vw + 1) continue;
    if (past.some((outer) => outer.contains(el))) continue;
    past.push(el);
    problems.push(`${name(el)} ends at ${Math.round(box.right)}px, past the ${vw}px window`);
  }
  const ruler = document.createElement('canvas').getContext('2d');
  for (const cell of document.querySelectorAll('td, th')) {
    if (!cell.getBoundingClientRect().width) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    let longest = 0, longestWord = '', words = 0;
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, parent = node.parentElement;
      if (!parent || parent.closest('select, script, style, textarea')) continue;
      if (parent.closest('td, th') !== cell) continue;  // a nested table's cells are their own
      const own = getComputedStyle(parent);
      if (own.textOverflow === 'ellipsis') continue;  // cut on purpose, whole text as tooltip
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (!rects.length) continue;
      if (node.textContent.trim()) rects.forEach((r) => tops.push(r.top));
      ruler.font = `${own.fontStyle} ${own.fontWeight} ${own.fontSize} ${own.fontFamily}`;
      for (let word of node.textContent.split(/\s+/)) {
        if (!word) continue;
        if (own.textTransform === 'uppercase') word = word.toUpperCase();
        words += 1;
        const w = ruler.measureText(word).width + (parseFloat(own.letterSpacing) || 0) * word.length;
        if (w > longest) { longest = w; longestWord = word; }
      }
    }
    // Text a few pixels apart (a sort arrow's number, a badge) is on the same line.
    tops.sort((a, b) => a - b);
    const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 6).length;
    if (longest > inner + 1) {
      problems.push(`${name(cell)} is ${Math.round(inner)}px wide, narrower than its word `
        + `"${longestWord}" (${Math.round(longest)}px)`);
    } else if (words >= 2 && lines >= words) {
      problems.push(`${name(cell)} shows one word per line (${words} words, ${lines} lines)`);
    } else if (lines >= 3 && cell.closest('#result_list')) {
      problems.push(`${name(cell)} wraps into ${lines} lines in a list`);
    }
  }
  return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    return list(page.evaluate(LAYOUT_PROBLEMS_JS))
