// The article body editor in the back office (django-prose-editor's ProseMirror build).
// Loaded as a module file; the tools offered match what the server keeps (news/html.py).
import {
  Blockquote, Bold, BulletList, Document, Dropcursor, Gapcursor, HardBreak, Heading, History,
  HorizontalRule, Italic, Link, ListItem, Menu, OrderedList, Paragraph, Strike, Subscript,
  Superscript, Text, Underline, Editor, crel, initializeEditors,
} from "../django_prose_editor/editor.js";

const SELECTOR = "textarea[data-news-editor]";

// As django-prose-editor's createTextareaEditor, with Tiptap's injected <style> switched off
// (its rules come from css/news-editor.css): the Content-Security-Policy allows no inline style.
function createEditor(textarea, extensions) {
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = crel("div", { className: `prose-editor ${disabled ? "disabled" : ""}` });
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
}

function start(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  return createEditor(textarea, [
    Document, Dropcursor, Gapcursor, Paragraph, HardBreak, Text, History, Menu,
    Heading.configure({ levels: [2, 3, 4] }), Bold, Italic, Underline, Strike, Subscript,
    Superscript, Link, BulletList, OrderedList, ListItem, Blockquote, HorizontalRule,
  ]);
}

initializeEditors(start, SELECTOR);
