// The article body editor in the back office (django-prose-editor's ProseMirror build).
// Loaded as a module file; the tools offered match what the server keeps (news/html.py).
import {
  Blockquote, Bold, BulletList, Document, Dropcursor, Gapcursor, HardBreak, Heading, History,
  HorizontalRule, Italic, Link, ListItem, Menu, OrderedList, Paragraph, Strike, Subscript,
  Superscript, Text, Underline, createTextareaEditor, initializeEditors,
} from "../django_prose_editor/editor.js";

const SELECTOR = "textarea[data-news-editor]";

function start(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  return createTextareaEditor(textarea, [
    Document, Dropcursor, Gapcursor, Paragraph, HardBreak, Text, History, Menu,
    Heading.configure({ levels: [2, 3, 4] }), Bold, Italic, Underline, Strike, Subscript,
    Superscript, Link, BulletList, OrderedList, ListItem, Blockquote, HorizontalRule,
  ]);
}

initializeEditors(start, SELECTOR);
