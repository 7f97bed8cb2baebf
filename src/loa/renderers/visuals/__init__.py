"""Posters, infographics and social cards: Typst templates filled from the model, at exact sizes."""
