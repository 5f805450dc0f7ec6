"""Text: sections, section-五 items, metadata and contacts, from the document's rows."""
