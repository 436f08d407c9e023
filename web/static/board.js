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

    async function move(chip, influence, interest) {
      influence = clamp(influence);
      interest = clamp(interest);
      if (String(influence) === chip.dataset.influence && String(interest) === chip.dataset.interest) return;
      const body = new URLSearchParams({ stakeholder: chip.dataset.id, influence, interest });
      const res = await fetch(board.dataset.board, {
        method: "POST", body, credentials: "same-origin", headers: { "X-Stakemap-Fetch": "1" },
      });
      if (!res.ok) {
        if (status) status.textContent = await res.text();
        return;
      }
      const cell = cellAt(influence, interest);
      cell.appendChild(chip);
      chip.dataset.influence = influence;
      chip.dataset.interest = interest;
      const name = chip.textContent.trim();
      const label = cell.querySelector(".visually-hidden");
      chip.setAttribute("aria-label", `${name}: ${label ? label.textContent.replace(/:$/, "") : ""}`);
      chip.focus();
      if (status) status.textContent = `${name}: ${label ? label.textContent.replace(/:$/, "") : ""}`;
      board.dispatchEvent(new CustomEvent("stakemap:moved", { bubbles: true, detail: { id: chip.dataset.id, influence, interest } }));
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
