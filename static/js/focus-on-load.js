// GOV.UK's error summary and success banner take the focus when the page
// loads, so a screen reader reads them first and Tab goes on from there.
// Without JavaScript the page still scrolls to them (the address's fragment).
document.querySelector("[data-focus-on-load]")?.focus();
