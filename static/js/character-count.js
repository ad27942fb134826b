// A running count under a box that has a limit (GOV.UK's character count):
// "You have 120 characters remaining", announced politely as the editor types.
// Without JavaScript the box's maxlength still holds.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-count][maxlength]")) {
    const limit = Number(box.getAttribute("maxlength"));
    const count = document.createElement("div");
    count.id = `${box.id}_count`;
    count.className = "help character-count";
    count.setAttribute("aria-live", "polite");
    box.after(count);
    const described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", described ? `${described} ${count.id}` : count.id);
    const update = () => {
      const left = limit - box.value.length;
      const unit = Math.abs(left) === 1 ? "character" : "characters";
      count.textContent = left >= 0 ? `You have ${left} ${unit} remaining` : `${-left} ${unit} too many`;
      count.classList.toggle("over", left < 0);
    };
    box.addEventListener("input", update);
    update();
  }
});
