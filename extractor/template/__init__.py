"""Template: map a document's rows onto the official tables (2019/2021) and check every rule."""
