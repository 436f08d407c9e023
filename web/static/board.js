// The power–interest board of a trajectory: drag a person to another cell,
// or focus them and press the arrow keys (up/down: influence, left/right:
// interest). Each move posts the same form the page offers without script.

const clamp = (n) => Math.min(5, Math.max(1, n));

export function enhanceBoards(root) {
  for (const board of root.querySelectorAll("table.board[data-board]")) {
    if (!board.dataset.board) continue;
    const status = root.getElementById("grid-status");
    const cellAt = (influence, interest) =>
      board.querySelector(`td.cell[data-influence="${influence}"][data-interest="${interest}"]`);

    // place shows the chip in its cell at once, so that quick key presses
    // build on each other; the saves follow one by one, in order.
    function place(chip, influence, interest) {
      const cell = cellAt(influence, interest);
      cell.appendChild(chip);
      chip.dataset.influence = influence;
      chip.dataset.interest = interest;
      const where = cell.querySelector(".visually-hidden").textContent.replace(/:$/, "");
      const text = `${chip.textContent.trim()}: ${where}`;
      chip.setAttribute("aria-label", text);
      chip.focus();
      return text;
    }

    let saving = Promise.resolve();
    function move(chip, influence, interest) {
      influence = clamp(influence);
      interest = clamp(interest);
      const from = [chip.dataset.influence, chip.dataset.interest];
      if (String(influence) === from[0] && String(interest) === from[1]) return;
      const text = place(chip, influence, interest);
      const body = new URLSearchParams({ stakeholder: chip.dataset.id, influence, interest });
      saving = saving.then(async () => {
        const res = await fetch(board.dataset.board, {
          method: "POST", body, credentials: "same-origin", headers: { "X-Stakemap-Fetch": "1" },
        });
        if (!res.ok || res.headers.get("X-Stakemap-Refused")) {
          place(chip, from[0], from[1]);
          if (status) status.textContent = await res.text();
          return;
        }
        if (status) status.textContent = text;
      }).catch(() => place(chip, from[0], from[1]));
    }

    board.addEventListener("keydown", (e) => {
      const chip = e.target.closest(".chip");
      if (!chip || chip.disabled) return;
      const inf = Number(chip.dataset.influence), int = Number(chip.dataset.interest);
      const step = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] }[e.key];
      if (!step) return;
      e.preventDefault();
      move(chip, inf + step[0], int + step[1]);
    });

    // Pointer events rather than HTML drag and drop: they work with a
    // mouse, a pen and a finger alike.
    let dragging = null;
    board.addEventListener("pointerdown", (e) => {
      const chip = e.target.closest(".chip");
      if (!chip || chip.disabled || e.button !== 0) return;
      dragging = chip;
      chip.setPointerCapture(e.pointerId);
      chip.classList.add("dragging");
    });
    board.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      for (const c of board.querySelectorAll("td.drop")) c.classList.remove("drop");
      const under = document.elementFromPoint(e.clientX, e.clientY);
      const cell = under && under.closest("td.cell");
      if (cell) cell.classList.add("drop");
    });
    board.addEventListener("pointerup", (e) => {
      if (!dragging) return;
      const chip = dragging;
      dragging = null;
      chip.classList.remove("dragging");
      for (const c of board.querySelectorAll("td.drop")) c.classList.remove("drop");
      const under = document.elementFromPoint(e.clientX, e.clientY);
      const cell = under && under.closest("td.cell");
      if (cell && board.contains(cell)) move(chip, Number(cell.dataset.influence), Number(cell.dataset.interest));
    });
  }
}
