"""Layout: located words and ruled tables on pages to a Document of rows in reading order."""
