// Copy buttons: a button with data-copy="ID" copies the value of the
// field with that id, and says so in the status line next to it. Without
// script the field is still there to select and copy by hand.
export function enhanceCopy(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = root.getElementById(button.dataset.copy);
      if (!field) return;
      field.select();
      let done = false;
      try {
        await navigator.clipboard.writeText(field.value);
        done = true;
      } catch {
        // Without clipboard access the text stays selected to copy by hand.
      }
      const status = button.closest("div.flash")?.querySelector(".copied");
      if (status && done) status.textContent = button.dataset.copied;
    });
  }
}
