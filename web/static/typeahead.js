// Type-ahead for fields that take several names separated by commas (the
// "With" and "About" of a contact): suggests names for the part being
// typed, from the page's own datalist. People who share a name are
// listed with their title and unit, "Fatima El Amrani (Adviseur, HR)",
// which the server reads back as that person. The field stays a plain
// text field.

export function enhanceTypeahead(root) {
  let n = 0;
  for (const input of root.querySelectorAll("input[data-typeahead]")) {
    const list = root.getElementById(input.dataset.typeahead);
    if (!list) continue;
    const names = [...list.options].map((o) => o.value);
    const id = `ta-${++n}`;
    const wrap = document.createElement("div");
    wrap.className = "typeahead";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    const box = document.createElement("ul");
    box.id = id;
    box.setAttribute("role", "listbox");
    box.hidden = true;
    wrap.appendChild(box);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    let active = -1;

    const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
    // The part being typed starts after the last comma outside
    // parentheses: "Fatima El Amrani (Adviseur, HR), Ru" is typing "Ru".
    const current = () => {
      let depth = 0, at = -1;
      for (let i = 0; i < input.value.length; i++) {
        const c = input.value[i];
        if (c === "(") depth++;
        else if (c === ")") depth = Math.max(0, depth - 1);
        else if (c === "," && depth === 0) at = i;
      }
      return { head: input.value.slice(0, at + 1), last: input.value.slice(at + 1) };
    };
    const close = () => {
      box.hidden = true;
      box.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    const choose = (name) => {
      const { head } = current();
      input.value = head + (head ? " " : "") + name + ", ";
      close();
      input.focus();
    };
    const highlight = (i) => {
      const opts = box.querySelectorAll("[role=option]");
      opts.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
      active = i;
      if (opts[i]) input.setAttribute("aria-activedescendant", opts[i].id);
    };
    input.addEventListener("input", () => {
      const q = fold(current().last);
      close();
      if (q.length < 2) return;
      const hits = names.filter((name) => fold(name).includes(q)).slice(0, 8);
      hits.forEach((name, i) => {
        const li = document.createElement("li");
        li.id = `${id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = name;
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(name); });
        box.appendChild(li);
      });
      if (hits.length) {
        box.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });
    input.addEventListener("keydown", (e) => {
      if (box.hidden) return;
      const count = box.children.length;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % count); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + count) % count); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(box.children[active].textContent); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  }
}
