// Gives each rich-text editor in the admin the name of its field's label, so
// a screen reader announces "Body, edit text" rather than an unnamed text box.
// (The label belongs to the hidden textarea the editor replaces.)
document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail;
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (!label) {
    return;
  }
  label.id = label.id || `${textarea.id}_label`;
  const props = editor.options.editorProps || {};
  editor.setOptions({
    editorProps: {
      ...props,
      attributes: {
        ...(props.attributes || {}),
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": label.id,
      },
    },
  });
});
