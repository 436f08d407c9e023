// Copy buttons beside read-only fields (a share link, its image
// addresses): the button copies the field's text. Without script the
// buttons stay hidden and the field can be selected and copied by hand.

export function enhanceCopy(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    const input = root.getElementById(button.dataset.copy);
    if (!input) continue;
    button.hidden = false;
    const label = button.firstChild.textContent;
    button.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        // No clipboard permission (an http address other than
        // localhost): the text is selected for Ctrl+C instead.
        return;
      }
      button.firstChild.textContent = button.dataset.done || label;
      setTimeout(() => { button.firstChild.textContent = label; }, 2000);
    });
  }
}
