"""Table engines: find ruled or aligned tables on PDF pages and return cells with boxes."""
