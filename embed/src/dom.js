// Small DOM and storage helpers shared by the loader and the chat module (each bundle carries
// its own copy; esbuild keeps only what each uses).

export const make = (tag, attrs, ns) => {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  return node;
};

// Reads (`value` undefined), removes (null) or writes a storage entry of `area`
// (`'localStorage'` or `'sessionStorage'`). Storage may be refused (privacy modes, sandboxing):
// reading then finds nothing and writing does nothing.
export const keep = (area, key, value) => {
  try {
    area = window[area];
    return value === undefined
      ? area.getItem(key)
      : value === null
        ? area.removeItem(key)
        : area.setItem(key, value);
  } catch (_) {
    // As if nothing were stored.
  }
};
