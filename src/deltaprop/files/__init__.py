"""Files: the archive format, saving and loading networks (no pickle), and figures."""
